package dev.credbroker.client.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.testing.JulCapture;
import dev.credbroker.client.testing.RealBroker;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.LogCapture;
import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The real AWS SDK for Java, configured with BrokerCredentialsProvider, signing GetCallerIdentity
 * for FakeSts, which verifies the signature and refuses expired credentials. The broker is the
 * real service over gRPC; 15-minute sessions, and one hand-moved clock for broker, STS and
 * provider. Refreshes run on the calling thread here, so each step is deterministic; the
 * asynchronous behaviour is covered by BrokerCredentialsProviderTest.
 */
class ProviderWithAwsSdkTest {
  private static final String ARN_PREFIX = "arn:aws:sts::123456789012:assumed-role/deployer/alice.";

  private final MutableClock clock = MutableClock.startingNow();
  private RealBroker broker;
  private BrokerClient client;
  private BrokerCredentialsProvider provider;
  private StsClient sdk;

  @BeforeEach
  void start() throws Exception {
    broker = RealBroker.start(clock);
    client = BrokerClient.builder().target(broker.target()).plaintext().maxAttempts(2)
        .tokenSource(TokenSource.fromSupplier(() -> broker.token("alice"))).build();
    provider = BrokerCredentialsProvider.builder().client(client).role("deployer").clock(clock)
        .executor(Runnable::run).build();
    sdk = sts(provider);
  }

  @AfterEach
  void stop() {
    sdk.close();
    provider.close();
    client.close();
    broker.close();
  }

  @Test
  void sdkCalls_succeedAcrossSeveralCredentialLifetimes() {
    Set<String> keys = new LinkedHashSet<>();
    for (int minute = 0; minute <= 4 * 15; minute++) {
      String arn = sdk.getCallerIdentity().arn(); // any failure fails the test
      assertTrue(arn.startsWith(ARN_PREFIX), arn);
      keys.add(provider.resolveCredentials().accessKeyId());
      clock.advance(Duration.ofMinutes(1));
    }
    assertTrue(keys.size() >= 5, "a new credential for every lifetime: " + keys);
    assertEquals(keys.size(), broker.sts().calls("AssumeRole"), "one STS call per credential");
    assertEquals(4 * 15 + 1, broker.sts().calls("GetCallerIdentity"));
  }

  @Test
  void brokerRestartedMidRun_sdkCallsKeepSucceedingWhileTheCredentialIsValid() throws Exception {
    // The AWS SDK's own DEBUG output (canonical requests of the test's STS client) is not ours to scan.
    ch.qos.logback.classic.Logger sdk = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger("software.amazon.awssdk");
    ch.qos.logback.classic.Level previous = sdk.getLevel();
    sdk.setLevel(ch.qos.logback.classic.Level.INFO);
    try (JulCapture clientLogs = new JulCapture(); LogCapture brokerLogs = new LogCapture()) {
      restartMidRun();
      // this library and gRPC (the JDK's own FINE traces of HTTP headers are the JVM owner's choice)
      List<String> lines = new ArrayList<>(clientLogs.lines().stream()
          .filter(l -> l.split(" ")[1].startsWith("dev.credbroker") || l.split(" ")[1].startsWith("io.grpc"))
          .toList());
      lines.addAll(brokerLogs.lines());
      assertTrue(lines.stream().anyMatch(l -> l.contains("still serving the current ones")), lines.toString());
      for (String keyId : keys) {
        FakeSts.Minted m = broker.sts().minted(keyId);
        for (String line : lines) {
          assertFalse(line.contains(m.secret()) || line.contains(m.sessionToken()), line);
        }
      }
    } finally {
      sdk.setLevel(previous);
    }
  }

  private final Set<String> keys = new LinkedHashSet<>();

  private void restartMidRun() throws Exception {
    sdk.getCallerIdentity();
    String first = provider.resolveCredentials().accessKeyId();

    broker.stop();
    clock.advance(Duration.ofMinutes(12)); // inside the prefetch window: every refresh fails
    for (int i = 0; i < 3; i++) {
      assertTrue(sdk.getCallerIdentity().arn().startsWith(ARN_PREFIX));
      assertEquals(first, provider.resolveCredentials().accessKeyId(), "the valid credential is kept");
      clock.advance(Duration.ofSeconds(20));
    }

    broker.restart();
    clock.advance(Duration.ofSeconds(30)); // past the backoff
    sdk.getCallerIdentity(); // triggers the refresh that now succeeds
    String second = provider.resolveCredentials().accessKeyId();
    assertNotEquals(first, second);
    keys.addAll(List.of(first, second));

    clock.advance(Duration.ofMinutes(3)); // the first credential has expired
    assertTrue(sdk.getCallerIdentity().arn().startsWith(ARN_PREFIX));
    assertEquals(second, provider.resolveCredentials().accessKeyId());
  }

  /**
   * The SDK closes the provider with each client it was given to (the refresh thread ending shows
   * it did); the provider keeps serving the other client, across a new credential.
   */
  @Test
  void oneOfTwoSdkClientsSharingTheProviderCloses_theOtherKeepsGettingCredentials() throws Exception {
    BrokerCredentialsProvider shared = BrokerCredentialsProvider.builder().client(client)
        .role("deployer").clock(clock).build(); // its own refresh thread, as applications run it
    StsClient first = sts(shared);
    StsClient second = sts(shared);
    first.getCallerIdentity();
    String key = shared.resolveCredentials().accessKeyId();
    Thread refresher = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("credbroker-refresh-deployer")).findFirst().orElseThrow();

    first.close();
    refresher.join(); // the SDK closed the provider: its thread ends (a hang here fails by timeout)

    assertTrue(second.getCallerIdentity().arn().startsWith(ARN_PREFIX));
    clock.advance(Duration.ofMinutes(16)); // the first credential has expired
    assertTrue(second.getCallerIdentity().arn().startsWith(ARN_PREFIX));
    assertNotEquals(key, shared.resolveCredentials().accessKeyId(), "a new credential, fetched by the caller");
    second.close();
    shared.close(); // the application's own close, after the SDK's: harmless
  }

  private StsClient sts(BrokerCredentialsProvider credentials) {
    return StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.US_EAST_1).endpointOverride(broker.sts().endpoint())
        .credentialsProvider(credentials).build();
  }

  @Test
  void brokerDownPastExpiry_sdkCallFailsWithTheProvidersClearReason() {
    sdk.getCallerIdentity();
    broker.stop();
    clock.advance(Duration.ofMinutes(15));

    SdkClientException e = assertThrows(SdkClientException.class, sdk::getCallerIdentity);
    String messages = e.getMessage() + " / " + (e.getCause() == null ? "" : e.getCause().getMessage());
    assertTrue(messages.contains("the credentials for role 'deployer' expired at"), messages);
    assertEquals(1, broker.sts().calls("GetCallerIdentity"), "nothing signed with expired credentials");
  }
}
