package dev.credbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.server.testing.MutableClock;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code dns:///} target whose name resolves to two broker replicas: calls are spread over both,
 * and when one stops, the other takes every call. Runs in its own JVM with
 * {@code -Djdk.net.hosts.file} (see client/pom.xml), so the JDK resolver that gRPC's DNS resolver
 * uses sees {@code replicas.credbroker.test} as 127.0.0.1 and 127.0.0.2.
 */
class RoundRobinTest {
  static final String NAME = "replicas.credbroker.test";

  @Test
  void dnsTarget_spreadsCallsOverEveryReplica_andSurvivesOneStopping() throws Exception {
    assumeTrue(System.getProperty("jdk.net.hosts.file") != null, "runs in the round-robin execution");
    assertEquals(2, InetAddress.getAllByName(NAME).length, "the test hosts file is in use");
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    try (FakeBroker first = FakeBroker.start(clock, "127.0.0.1", 0);
        FakeBroker second = FakeBroker.start(clock, "127.0.0.2", first.port());
        BrokerClient client = BrokerClient.builder().target("dns:///" + NAME + ":" + first.port())
            .plaintext().tokenSource(TokenSource.of("a.b.c")).build()) {
      for (int i = 0; i < 20; i++) {
        client.getAwsCredentials("deployer");
      }
      assertTrue(first.credentialCalls() >= 5 && second.credentialCalls() >= 5,
          "round robin: " + List.of(first.credentialCalls(), second.credentialCalls()));

      first.close();
      int before = second.credentialCalls();
      for (int i = 0; i < 10; i++) {
        client.getAwsCredentials("deployer"); // UNAVAILABLE from the stopped one is retried on the other
      }
      assertEquals(before + 10, second.credentialCalls());
    }
  }
}
