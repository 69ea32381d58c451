package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.client.testing.RealBroker;
import dev.credbroker.proto.v1.SecretValue;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** get-secret against a broker that answers chosen secrets and statuses. */
class GetSecretCommandTest {
  private static final String JSON = "{\"username\":\"app\",\"password\":\"hunter2-pw\",\"port\":5432}";

  private final MutableClock clock = MutableClock.startingNow();
  @RegisterExtension final FakeBroker broker = FakeBroker.perTest(clock);

  @BeforeEach
  void start() {
    broker.answerSecrets(r -> SecretValue.newBuilder().setSecret(r.getSecret()).setName("prod/" + r.getSecret())
        .setArn("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db").setVersionId("v1")
        .setSecretString(JSON).build());
  }

  private CliRun run(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--target", broker.target(), "--plaintext"));
    all.add(0, "get-secret");
    return CliRun.run(Map.of("CREDBROKER_TOKEN", "a.b.c"), clock, all.toArray(String[]::new));
  }

  @Test
  void value_fieldAndBinary() {
    assertEquals(JSON + "\n", run("db").out());
    assertEquals("hunter2-pw\n", run("db", "--field", "password").out());
    assertEquals("5432\n", run("db", "--field", "port").out());

    broker.answerSecrets(r -> SecretValue.newBuilder().setSecret("blob")
        .setSecretBinary(ByteString.copyFrom(new byte[] {1, 2, 3})).build());
    assertEquals("\u0001\u0002\u0003", run("blob").out());
  }

  @Test
  void realBroker_printsTheSecretsField() throws Exception {
    try (RealBroker real = RealBroker.start(clock)) {
      CliRun r = CliRun.run(Map.of("CREDBROKER_TOKEN", real.token("alice")), clock, "get-secret",
          "payments-db", "--field", "password", "--target", real.target(), "--plaintext");
      assertEquals(0, r.exit(), r.toString());
      assertEquals("pw-from-secrets-manager\n", r.out());
      CliRun denied = CliRun.run(Map.of("CREDBROKER_TOKEN", real.token("alice")), clock, "get-secret",
          "other", "--target", real.target(), "--plaintext");
      assertEquals(4, denied.exit(), denied.toString());
    }
  }

  @Test
  void failures_neverPrintTheValue() {
    CliRun missingField = run("db", "--field", "nope");
    assertEquals(2, missingField.exit());
    assertEquals("credbroker: secret 'db' has no field 'nope'; see credbroker get-secret --help\n", missingField.err());
    assertFalse(missingField.err().contains("hunter2"));

    broker.failNext(Status.NOT_FOUND.withDescription("secret 'db' has no version 'x'"));
    CliRun notFound = run("db", "--version-id", "x".repeat(32));
    assertEquals(2, notFound.exit());
    assertEquals("", notFound.out());

    broker.failNext(Status.PERMISSION_DENIED.withDescription("not entitled to secret 'other'"));
    assertEquals(4, run("other").exit());

    CliRun both = run("db", "--version-id", "x".repeat(32), "--version-stage", "AWSCURRENT");
    assertEquals(2, both.exit());
    assertEquals(2, CliRun.run(Map.of(), clock, "get-secret", "--field", "x").exit());
  }
}
