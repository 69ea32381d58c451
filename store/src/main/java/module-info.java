/**
 * The fleet's shared audit store on PostgreSQL: the schema (Flyway migrations), the shipper's
 * idempotent writes, and search and verify over every broker's records. Exports only
 * {@code dev.credbroker.store}. The read path ({@link dev.credbroker.store.StoreConnections},
 * {@link dev.credbroker.store.StoreSearch}, {@link dev.credbroker.store.StoreVerifier}) needs only
 * the JDBC driver, so the CLI can leave HikariCP and Flyway out.
 */
module dev.credbroker.store {
  requires transitive dev.credbroker.core;
  requires transitive java.sql;
  requires com.zaxxer.hikari;
  requires flyway.core; // no module name of its own: the name derived from its jar
  requires org.postgresql.jdbc;

  exports dev.credbroker.store;
}
