package dev.credbroker.store.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link PostgresCluster} for a test class, started before its first test and stopped after
 * its last, failures included: {@code @RegisterExtension static final PostgresExtension pg = new
 * PostgresExtension();}, then {@code pg.cluster()}; each test takes a database of its own
 * ({@link PostgresCluster#newStore()}).
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
  private PostgresCluster cluster;

  public PostgresCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("register the extension on a static field");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    cluster = PostgresCluster.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
