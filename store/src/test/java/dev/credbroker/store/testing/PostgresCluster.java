package dev.credbroker.store.testing;

import dev.credbroker.core.config.StoreConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL 15 cluster for tests: {@code initdb} into a temporary folder, a free
 * loopback port, its unix socket in that folder, password authentication (SCRAM) for one user,
 * started and stopped with {@code pg_ctl}. As root (CI, containers) the binaries run as
 * {@code nobody} through {@code setpriv}, since initdb refuses root. {@link #close} stops the
 * server and deletes the folder; {@link #stop}/{@link #start} simulate a store outage.
 */
public final class PostgresCluster implements AutoCloseable {
  /** Where Debian's {@code postgresql-15} package puts the server (scripts/install-test-deps.sh). */
  public static final Path BIN = Path.of(System.getProperty("credbroker.pgBin",
      "/usr/lib/postgresql/15/bin"));
  public static final String USER = "credbroker";
  public static final String DATABASE = "postgres";
  private static final String UNPRIVILEGED = "nobody";

  private final Path dir;
  private final int port;
  private final String password;
  private final java.util.concurrent.atomic.AtomicInteger databases =
      new java.util.concurrent.atomic.AtomicInteger();
  private boolean running;

  private PostgresCluster(Path dir, int port, String password) {
    this.dir = dir;
    this.port = port;
    this.password = password;
  }

  /** Creates and starts a cluster; fails with the package to install when PostgreSQL is absent. */
  public static PostgresCluster start() throws IOException, InterruptedException {
    if (!Files.isExecutable(BIN.resolve("initdb"))) {
      throw new IllegalStateException(BIN.resolve("initdb") + " is missing: install the Debian"
          + " package postgresql-15 (scripts/install-test-deps.sh)");
    }
    Path dir = Files.createTempDirectory("credbroker-pg-");
    String password = "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    PostgresCluster cluster = new PostgresCluster(dir, freePort(), password);
    try {
      cluster.init();
      cluster.startServer();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /** The JDBC URL of the {@code postgres} database over TCP on loopback. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public String password() {
    return password;
  }

  /** A file holding the password, as {@code audit.store.postgres.password_file} reads it. */
  public Path passwordFile() throws IOException {
    Path file = dir.resolve("password");
    if (!Files.exists(file)) {
      Files.writeString(file, password + "\n");
    }
    return file;
  }

  /** A new empty database; returns its JDBC URL. */
  public String newDatabase() throws SQLException {
    String name = "test_" + databases.incrementAndGet();
    try (Connection c = connect(); java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }

  /** {@code audit.store} for a new empty database, shipping every 20 ms. */
  public StoreConfig newStore() throws SQLException, IOException {
    return new StoreConfig(new StoreConfig.Postgres(newDatabase(), USER,
        Optional.of(passwordFile()), 2, true), Optional.empty(), StoreConfig.DEFAULT_BATCH,
        java.time.Duration.ofMillis(20));
  }

  /**
   * Migrates the empty database of {@code config} ({@link #newStore()}) to schema version
   * {@code version} only, with the broker's migrations and history table: where tests and the
   * benchmark of a later version's migration start.
   */
  public void migrateTo(StoreConfig config, String version) {
    org.flywaydb.core.Flyway.configure(PostgresCluster.class.getClassLoader())
        .dataSource(config.postgres().url(), USER, password)
        .locations("classpath:db/migration/credbroker").table("credbroker_schema_history")
        .target(version).load().migrate();
  }

  /** A fresh connection as the test user. */
  public Connection connect() throws SQLException {
    return connect(url());
  }

  /** A fresh connection to {@code url} as the test user. */
  public Connection connect(String url) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("password", password);
    return DriverManager.getConnection(url, p);
  }

  /** Stops the server (fast shutdown: open connections are cut), as an outage would. */
  public synchronized void stop() throws IOException, InterruptedException {
    if (running) {
      run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w",
          "stop"));
      running = false;
    }
  }

  /** Starts the server again on the same port and data. */
  public synchronized void startServer() throws IOException, InterruptedException {
    if (!running) {
      run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data().toString(), "-l",
          dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
          "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
              + " -c synchronous_commit=off -c full_page_writes=off", "start"));
      running = true;
    }
  }

  @Override
  public synchronized void close() throws IOException, InterruptedException {
    try {
      if (running) {
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate",
            "-w", "stop"));
        running = false;
      }
    } finally {
      deleteTree(dir);
    }
  }

  private void init() throws IOException, InterruptedException {
    Path pwfile = dir.resolve("initdb-password");
    Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
    chownForServer();
    run(List.of(BIN.resolve("initdb").toString(), "-D", data().toString(), "-U", USER,
        "--pwfile=" + pwfile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
        "-E", "UTF8", "--locale=C", "--no-sync"));
    Files.delete(pwfile);
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** As root, the folder is handed to the unprivileged user the binaries run as. */
  private void chownForServer() throws IOException, InterruptedException {
    if (isRoot()) {
      exec(List.of("chown", "-R", UNPRIVILEGED + ":", dir.toString()));
    }
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=nogroup",
          "--clear-groups", "--"));
    }
    full.addAll(command);
    exec(full);
  }

  private void exec(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("credbroker-pg-cmd-", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).directory(dir.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish within 120 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ":\n"
            + Files.readString(out) + serverLog());
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private String serverLog() {
    try {
      Path log = dir.resolve("server.log");
      return Files.exists(log) ? "\nserver.log:\n" + Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean isRoot() throws IOException {
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
