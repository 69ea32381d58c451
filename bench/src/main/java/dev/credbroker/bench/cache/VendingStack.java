package dev.credbroker.bench.cache;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.aws.SdkSecretsGateway;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.cache.SecretCache;
import dev.credbroker.server.cache.SecretVendor;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.testing.FakeSecretsManager;
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
 * claims), one secret and one rule, a credential vendor over the STS fake and a secret vendor over
 * the Secrets Manager fake.
 */
public record VendingStack(DevIssuer idp, FakeSts sts, SdkStsGateway gateway,
    FakeSecretsManager secretsManager, SdkSecretsGateway secretsGateway, ExecutorService io,
    Authenticator authenticator, PolicyEngine policy, CredentialVendor vendor,
    SecretVendor secrets, String token) implements AutoCloseable {
  public static final String ROLE = "deployer";
  public static final String SECRET = "payments-db";

  public static VendingStack start() throws Exception {
    Clock clock = Clock.systemUTC();
    ExecutorService io = Executors.newCachedThreadPool();
    DevIssuer idp = DevIssuer.start(clock);
    FakeSts sts = FakeSts.start(clock);
    FakeSecretsManager sm = FakeSecretsManager.start(clock);
    sm.putString("payments/db", "bench-password");
    BrokerConfig config = ConfigLoader.parse("""
        server: {listen: 127.0.0.1:0}
        roles:
          deployer: {arn: "arn:aws:iam::123456789012:role/deployer", session_tags: {team: "$.groups[0]", owner: "$.sub"}}
        secrets:
          payments-db: {id: payments/db}
        rules:
          - {id: devs, when: {claims: {groups: {contains: developers}}}, roles: [deployer], secrets: [payments-db]}
        """, "bench", Path.of(".")).withIssuer(idp.issuerConfig());
    AwsConfig aws = new AwsConfig(Optional.of("us-east-1"), Optional.of(sts.endpoint()),
        Duration.ofSeconds(20)).withSecretsManagerEndpoint(sm.endpoint());
    var brokerKey = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID, FakeSts.BROKER_SECRET));
    SdkStsGateway gateway = SdkStsGateway.create(aws, brokerKey, clock);
    SdkSecretsGateway secretsGateway = SdkSecretsGateway.create(aws, brokerKey);
    CredentialCache sessions = new CredentialCache(gateway, io, clock, Duration.ofMinutes(5),
        Duration.ofMinutes(10), 10_000);
    CredentialVendor vendor = new CredentialVendor(sessions, Duration.ofHours(1));
    SecretVendor secrets = new SecretVendor(new SecretCache(secretsGateway, sessions, io, clock,
        10_000), clock);
    String token = idp.mint("bench-user", Map.of("groups", List.of("developers")), Duration.ofHours(2));
    return new VendingStack(idp, sts, gateway, sm, secretsGateway, io,
        Authenticator.create(config.issuers(), clock, io), new PolicyEngine(config), vendor, secrets,
        token);
  }

  @Override
  public void close() {
    gateway.close();
    secretsGateway.close();
    secretsManager.close();
    sts.close();
    idp.close();
    io.shutdownNow();
  }
}
