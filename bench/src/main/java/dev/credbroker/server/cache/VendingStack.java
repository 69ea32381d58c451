package dev.credbroker.server.cache;

import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.config.AwsConfig;
import dev.credbroker.server.config.BrokerConfig;
import dev.credbroker.server.config.ConfigLoader;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.policy.PolicyEngine;
import dev.credbroker.server.testing.FakeSts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The broker's request path below gRPC, wired as the broker wires it, for benchmarks in this JVM:
 * the dev issuer and its token, an authenticator, a policy with one role (two session tags from
 * claims) and one rule, and a credential vendor over the STS fake.
 */
public record VendingStack(DevIssuer idp, FakeSts sts, SdkStsGateway gateway, ExecutorService io,
    Authenticator authenticator, PolicyEngine policy, CredentialVendor vendor, String token)
    implements AutoCloseable {
  public static final String ROLE = "deployer";

  public static VendingStack start() throws Exception {
    Clock clock = Clock.systemUTC();
    ExecutorService io = Executors.newCachedThreadPool();
    DevIssuer idp = DevIssuer.start(clock);
    FakeSts sts = FakeSts.start(clock);
    BrokerConfig config = ConfigLoader.parse("""
        server: {listen: 127.0.0.1:0}
        roles:
          deployer: {arn: "arn:aws:iam::123456789012:role/deployer", session_tags: {team: "$.groups[0]", owner: "$.sub"}}
        rules:
          - {id: devs, when: {claims: {groups: {contains: developers}}}, roles: [deployer]}
        """, "bench", Path.of(".")).withIssuer(idp.issuerConfig());
    SdkStsGateway gateway = SdkStsGateway.create(new AwsConfig(Optional.of("us-east-1"),
        Optional.of(sts.endpoint()), Duration.ofSeconds(20)), StaticCredentialsProvider.create(
            AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID, FakeSts.BROKER_SECRET)), clock);
    CredentialVendor vendor = new CredentialVendor(new CredentialCache(gateway, io, clock,
        Duration.ofMinutes(5), Duration.ofMinutes(10), 10_000), Duration.ofHours(1));
    String token = idp.mint("bench-user", Map.of("groups", List.of("developers")), Duration.ofHours(2));
    return new VendingStack(idp, sts, gateway, io, Authenticator.create(config.issuers(), clock, io),
        new PolicyEngine(config), vendor, token);
  }

  @Override
  public void close() {
    gateway.close();
    sts.close();
    idp.close();
    io.shutdownNow();
  }
}
