package dev.credbroker.server;

import dev.credbroker.server.testing.DevBanner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.testing.ProcessRunner;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker as an operator meets it: a process with flags, exit codes and one-line errors. */
class MainProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void sigterm_whileServing_stopsGracefullyAndExitsZero() throws Exception {
    Path config = write("server: {listen: 127.0.0.1:0}\nmetrics: {listen: 127.0.0.1:0}\n");
    try (ProcessRunner broker = ProcessRunner.start(main("--config", config.toString()))) {
      Matcher listening = broker.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
      int port = Integer.parseInt(listening.group(1));
      assertEquals(ServingStatus.SERVING, health(port));
      ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
          InsecureChannelCredentials.create()).build();
      StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(
          StatusRuntimeException.class, () -> CredentialBrokerGrpc.newBlockingStub(channel)
              .whoAmI(WhoAmIRequest.getDefaultInstance()));
      assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
      channel.shutdownNow();

      broker.terminate();

      assertEquals(0, broker.awaitExit(WAIT), broker.output());
      assertTrue(broker.output().contains("received SIGTERM"), broker.output());
      assertTrue(broker.output().contains("BrokerServer - stopped\n"), broker.output());
      assertTrue(broker.output().strip().matches(
          "(?s).*audit checkpoint: seq 2 hash [0-9a-f]{64}\n.*audit log closed; chain head seq 2"
              + " hash [0-9a-f]{64}"),
          "the audit log closes last, naming the signed head after the one record: "
              + broker.output());
    }
  }

  /**
   * The in-flight call waits for the IdP's keys, which the test holds back until the broker has
   * begun its graceful stop; the call must still complete and the process exit 0.
   */
  @Test
  void sigterm_withCallInFlight_letsItFinish() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    CountDownLatch jwksRequested = new CountDownLatch(1);
    CountDownLatch releaseJwks = new CountDownLatch(1);
    HttpServer idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    idp.setExecutor(Executors.newCachedThreadPool());
    idp.createContext("/jwks", exchange -> {
      jwksRequested.countDown();
      try {
        releaseJwks.await(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    idp.start();
    String issuer = "http://127.0.0.1:" + idp.getAddress().getPort();
    Path config = write("server: {listen: 127.0.0.1:0, shutdown_grace: 30s}\nmetrics: {listen: 127.0.0.1:0}\n"
        + "issuers:\n  - issuer: " + issuer + "\n    audiences: [broker]\n"
        + "    jwks_uri: " + issuer + "/jwks\n    read_timeout: 60s\n"
        + "    startup_check: skip\n"); // the keys are held back until the stop begins
    SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
        new JWTClaimsSet.Builder().issuer(issuer).subject("in-flight").audience("broker")
            .expirationTime(new java.util.Date(System.currentTimeMillis() + 600_000)).build());
    token.sign(new RSASSASigner(key));

    try (ProcessRunner broker = ProcessRunner.start(main("--config", config.toString()))) {
      int port = Integer.parseInt(broker.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));
      ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
          InsecureChannelCredentials.create()).build();
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + token.serialize());
      var reply = CredentialBrokerGrpc.newFutureStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .whoAmI(WhoAmIRequest.getDefaultInstance());
      assertTrue(jwksRequested.await(WAIT.toSeconds(), TimeUnit.SECONDS), broker.output());

      broker.terminate();
      broker.awaitLine("stopping: refusing new calls", WAIT);
      releaseJwks.countDown();

      assertEquals("in-flight", reply.get(WAIT.toSeconds(), TimeUnit.SECONDS).getSubject());
      assertEquals(0, broker.awaitExit(WAIT), broker.output());
      channel.shutdownNow();
    } finally {
      releaseJwks.countDown();
      idp.stop(0);
    }
  }

  /** Policy changes apply without a restart, on a file edit or SIGHUP; a bad edit changes nothing. */
  @Test
  void configReload_onFileChangeAndSighup_inARunningBroker() throws Exception {
    String base = "server: {listen: 127.0.0.1:0}\nmetrics: {listen: 127.0.0.1:0}\n"
        + "roles: {deploy: {arn: \"arn:aws:iam::123456789012:role/deploy\"}}\n";
    Path config = write(base + "rules: [{id: admins, when: {claims: {groups: {contains: admins}}},"
        + " roles: [deploy]}]\n");
    try (ProcessRunner broker = ProcessRunner.start(main("--dev", "--config", config.toString()))) {
      int port = Integer.parseInt(broker.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));
      String token = DevBanner.token(broker, WAIT);
      ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
          InsecureChannelCredentials.create()).build();
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      var stub = CredentialBrokerGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      var request = dev.credbroker.proto.v1.ListEntitlementsRequest.getDefaultInstance();
      assertEquals(0, stub.listEntitlements(request).getRolesCount());

      replace(config, base + "rules: [{id: devs, when: {claims: {groups: {contains: developers}}},"
          + " roles: [deploy]}]\n");
      broker.awaitLine("config reloaded: 1 issuers, 1 roles, 0 secrets, 1 rules", WAIT);
      assertEquals(1, stub.listEntitlements(request).getRolesCount(), broker.output());
      assertEquals("deploy", stub.listEntitlements(request).getRoles(0).getRole());

      replace(config, base + "rules: [{id: devs, roles: [nope]}]\n");
      broker.awaitLine("config reload refused, the running configuration stays: rules\\[0\\]\\.roles\\[0\\]", WAIT);
      assertEquals("deploy", stub.listEntitlements(request).getRoles(0).getRole());

      new ProcessBuilder("kill", "-HUP", Long.toString(broker.pid())).start().waitFor();
      broker.awaitLine("received SIGHUP", WAIT);
      broker.awaitLine("config reload refused", WAIT);

      channel.shutdownNow();
      broker.terminate();
      assertEquals(0, broker.awaitExit(WAIT), broker.output());
    }
  }

  private void replace(Path file, String yaml) throws Exception {
    Path tmp = dir.resolve("next.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void jsonLogging_writesOneObjectPerLine() throws Exception {
    Path config = write("server: {listen: 127.0.0.1:0}\nlogging: {format: json}\nmetrics: {listen: 127.0.0.1:0}\n");
    try (ProcessRunner broker = ProcessRunner.start(main("--config", config.toString()))) {
      Matcher line = broker.awaitLine("^\\{.*\"message\":\"credbroker listening on [^\"]+\".*\\}$", WAIT);
      assertTrue(line.group().contains("\"level\":\"INFO\""), line.group());
      broker.terminate();
      assertEquals(0, broker.awaitExit(WAIT));
    }
  }

  @Test
  void configWithTypo_exitsTwoWithOneLineNamingTheKey() throws Exception {
    Path config = write("server:\n  listen: 127.0.0.1:0\n  shutdown_grase: 10s\n");

    String out = runToExit(2, "--config", config.toString());

    assertEquals("credbroker: config error: server.shutdown_grase: unknown key; did you mean"
        + " 'shutdown_grace'?", out);
  }

  @Test
  void plaintextOnAllInterfaces_exitsTwoAndNamesTheFlag() throws Exception {
    Path config = write("server: {listen: 0.0.0.0:0}\n");

    String out = runToExit(2, "--config", config.toString());

    assertTrue(out.startsWith("credbroker: config error: server.listen: plaintext gRPC on"
        + " non-loopback address 0.0.0.0:0 is refused"), out);
  }

  @Test
  void portInUse_exitsOneWithOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config = write("server: {listen: 127.0.0.1:" + taken.getLocalPort() + "}\n"
          + "metrics: {listen: 127.0.0.1:0}\n");

      String out = runToExit(1, "--config", config.toString());

      assertTrue(out.startsWith("credbroker: cannot start: server.listen: the address is already in use"), out);
    }
  }

  /**
   * Two brokers on one host with the default metrics port: the second must not serve without
   * its metrics and probes, and must say which setting to change.
   */
  @Test
  void metricsPortInUse_exitsOneWithOneLineNamingMetricsListen() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config = write("server: {listen: 127.0.0.1:0}\nmetrics: {listen: 127.0.0.1:"
          + taken.getLocalPort() + "}\n");

      String out = runToExit(1, "--config", config.toString());

      assertEquals("credbroker: cannot start: metrics.listen: 127.0.0.1:" + taken.getLocalPort()
          + " is already in use (another broker on this host? each needs its own port); set"
          + " metrics.listen to a free port, e.g. 127.0.0.1:0 for any, or metrics.enabled: false",
          out);
    }
  }

  @Test
  void tlsFilesNotOnThisMachine_exitsTwoNamingTheFile() throws Exception {
    // The same file passes credbroker policy lint, which does not look for files (PolicyCommandTest).
    Path config = write("server: {listen: 127.0.0.1:0, tls: {cert: " + dir.resolve("tls.crt")
        + ", key: " + dir.resolve("tls.key") + "}}\n");

    String out = runToExit(2, "--config", config.toString());

    assertEquals("credbroker: config error: server.tls.cert: file not found: " + dir.resolve("tls.crt")
        + " (write the path of an existing file; relative paths start at the config file's folder)", out);
  }

  @Test
  void missingConfigFile_exitsTwo() throws Exception {
    String out = runToExit(2, "--config", dir.resolve("nope.yaml").toString());
    assertTrue(out.startsWith("credbroker: config error: config file not found"), out);
  }

  @Test
  void unknownFlag_exitsTwo() throws Exception {
    assertEquals("credbroker: unknown option '--confg'; see --help", runToExit(2, "--confg", "x"));
  }

  @Test
  void help_printsUsageAndExitsZero() throws Exception {
    try (ProcessRunner p = ProcessRunner.start(main("--help"))) {
      assertEquals(0, p.awaitExit(WAIT));
      assertTrue(p.output().startsWith("usage: java -jar credbroker-server.jar"), p.output());
    }
  }

  private String runToExit(int expectedCode, String... args) throws Exception {
    try (ProcessRunner p = ProcessRunner.start(main(args))) {
      int code = p.awaitExit(WAIT);
      String out = p.output();
      assertEquals(expectedCode, code, out);
      assertFalse(out.contains("Exception") || out.contains("\tat "), "no stack trace: " + out);
      assertEquals(1, out.lines().count(), "one line: " + out);
      return out;
    }
  }

  private static List<String> main(String... args) {
    return ProcessRunner.javaCommand(Main.class.getName(), args);
  }

  /** Writes a config file; every served config needs an audit destination, so one is added. */
  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml.contains("audit:") ? yaml : yaml + "audit: {file: audit.jsonl}\n");
    return file;
  }

  private static ServingStatus health(int port) throws InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
