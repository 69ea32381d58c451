package dev.credbroker.server.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.RoleConfig;
import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.RevocationPolicy;
import dev.credbroker.core.revocation.RevocationTarget;
import dev.credbroker.core.revocation.Revocations;
import dev.credbroker.server.aws.RolePolicies;
import dev.credbroker.server.devaws.AccessKey;
import dev.credbroker.server.devaws.AwsRefusal;
import dev.credbroker.server.devaws.DevAws;
import dev.credbroker.server.devaws.DevAwsHooks;
import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The opted-in roles' IAM policies through the real SDK against the development endpoint: put
 * once per change, left alone when unchanged, deleted when the last statement expires, and an
 * AWS refusal reported without losing the desired state.
 */
class IamRevocationsTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final AtomicInteger puts = new AtomicInteger();
  private volatile boolean refuse;
  private DevAws aws;
  private IamClient iam;
  private IamRevocations revocations;

  @BeforeEach
  void start() throws Exception {
    aws = DevAws.builder().clock(clock).hooks(new DevAwsHooks() {
      @Override
      public AwsRefusal before(String action) {
        if (action.endsWith("RolePolicy")) {
          puts.incrementAndGet();
          return refuse ? new AwsRefusal(403, "AccessDenied", "not authorized to perform"
              + " iam:" + action) : null;
        }
        return null;
      }
    }).start();
    AccessKey key = aws.credentials().brokerKey();
    iam = IamClient.builder().endpointOverride(aws.endpoint()).region(Region.AWS_GLOBAL)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(key.id(), key.secret())))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    revocations = new IamRevocations(new RolePolicies(iam), clock);
  }

  @AfterEach
  void stop() {
    iam.close();
    aws.close();
  }

  @Test
  void onlyOptedInRoles_getThePolicy_writtenOncePerChange_andDeletedWhenExpired() {
    Map<String, RoleConfig> roles = new LinkedHashMap<>();
    roles.put("deployer", role("deployer", "team/payments-deployer", true));
    roles.put("reader", role("reader", "payments-reader", false));
    Revocations list = Revocations.of(List.of(new Revocation("r1",
        new RevocationTarget.SourceIdentity("alice"), List.of(), List.of(), clock.instant(),
        false, "laptop stolen", "admin", clock.instant(), Optional.empty())));

    List<IamRevocations.Applied> applied = revocations.apply(roles, list);
    assertEquals(1, applied.size());
    assertEquals("payments-deployer", applied.get(0).roleName());
    assertEquals(List.of("r1"), applied.get(0).included());
    assertTrue(aws.rolePolicies().get("payments-deployer", RevocationPolicy.NAME).orElseThrow()
        .contains("\"aws:SourceIdentity\":\"alice\""));
    assertEquals(List.of(), aws.rolePolicies().names("payments-reader"));
    assertEquals(1, puts.get());

    revocations.apply(roles, list);
    assertEquals(1, puts.get(), "unchanged: no second write");

    clock.advance(Duration.ofHours(2)); // the longest session (2 h here) has passed
    revocations.apply(roles, list);
    assertEquals(List.of(), aws.rolePolicies().names("payments-deployer"));
  }

  @Test
  void anAwsRefusal_isReported_andRetriedOnTheNextApply() {
    Map<String, RoleConfig> roles = Map.of("deployer", role("deployer", "payments-deployer", true));
    Revocations list = Revocations.of(List.of(new Revocation("r1",
        new RevocationTarget.Subject("https://idp", "alice"), List.of(), List.of(),
        clock.instant(), false, "x", "admin", clock.instant(), Optional.empty())));
    refuse = true;
    IamRevocations.Applied failed = revocations.apply(roles, list).get(0);
    assertTrue(failed.failure().orElseThrow().contains("AccessDenied"), failed.toString());
    refuse = false;
    assertTrue(revocations.apply(roles, list).get(0).failure().isEmpty());
    assertTrue(aws.rolePolicies().get("payments-deployer", RevocationPolicy.NAME).isPresent());
  }

  private static RoleConfig role(String alias, String path, boolean revokeInAws) {
    return new RoleConfig(alias, "arn:aws:iam::111122223333:role/" + path,
        RoleConfig.Mode.ASSUME_ROLE, Duration.ofHours(2), Map.of(), List.of(), Optional.empty(),
        Optional.empty(), List.of(), Optional.empty(), revokeInAws, Optional.empty());
  }
}
