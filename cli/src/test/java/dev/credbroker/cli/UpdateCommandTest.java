package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.provider.BrokerCredentialsProvider;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** update: the shared credentials file keeps other profiles, is private, and never holds expired keys. */
class UpdateCommandTest {
  private static final String OTHER = """
      [default]
      aws_access_key_id = AKIAOTHER
      aws_secret_access_key = other-secret

      [ci]
      aws_access_key_id = OLD
      aws_session_token = OLD

      [prod]
      region = eu-west-1
      """;

  private final MutableClock clock = MutableClock.startingNow();
  @RegisterExtension final FakeBroker broker = FakeBroker.perTest(clock);
  @TempDir Path home;

  @Test
  void withProfile_replacesOnlyThatSection() {
    List<String> out = SharedCredentialsFile.withProfile(OTHER.lines().toList(), "ci", List.of("k = v"));
    assertEquals("""
        [default]
        aws_access_key_id = AKIAOTHER
        aws_secret_access_key = other-secret

        [prod]
        region = eu-west-1

        [ci]
        k = v""", String.join("\n", out));
    assertEquals(List.of("[ci]", "k = v"), SharedCredentialsFile.withProfile(List.of(), "ci", List.of("k = v")));
    assertFalse(String.join("\n", SharedCredentialsFile.withProfile(OTHER.lines().toList(), "ci", null))
        .contains("OLD"));
  }

  @Test
  void once_writesTheProfile_private_keepingTheOthers() throws Exception {
    Path file = Files.createDirectories(home.resolve(".aws")).resolve("credentials");
    Files.writeString(file, OTHER);

    CliRun r = CliRun.run(Map.of("HOME", home.toString(), "CREDBROKER_TOKEN", "a.b.c"), clock, "update",
        "--role", "deployer", "--profile", "ci", "--once", "--target", broker.target(), "--plaintext");

    assertEquals(0, r.exit(), r.toString());
    String text = Files.readString(file);
    assertTrue(text.startsWith("[default]\naws_access_key_id = AKIAOTHER\n"), text);
    assertTrue(text.contains("[prod]\nregion = eu-west-1\n"), text);
    assertTrue(text.contains("[ci]\n# written by credbroker update --role deployer; expires "), text);
    assertTrue(text.contains("aws_access_key_id = ASIAFAKE000000000001\n"), text);
    assertFalse(text.contains("OLD"), text);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("", r.out());
    assertFalse(r.err().contains("fake-secret"), r.err());
  }

  @Test
  void badProfileName_isUsage() {
    CliRun r = CliRun.run(Map.of("HOME", home.toString(), "CREDBROKER_TOKEN", "a.b.c"), clock, "update",
        "--role", "deployer", "--profile", "x]\n[default", "--once");
    assertEquals(2, r.exit());
  }

  @Test
  void updater_rewritesOnNewCredentials_andRemovesExpiredOnes() throws Exception {
    Path file = home.resolve("creds");
    SharedCredentialsFile shared = new SharedCredentialsFile(file);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
        StandardCharsets.UTF_8), clock);
    try (BrokerClient client = BrokerClient.builder().target(broker.target()).plaintext().maxAttempts(1)
            .tokenSource(TokenSource.of("a.b.c")).build();
        BrokerCredentialsProvider provider = BrokerCredentialsProvider.builder().client(client).role("deployer")
            .clock(clock).build()) {
      UpdateCommand.Updater updater = new UpdateCommand.Updater(provider, shared, "ci", "deployer", io);
      assertTrue(updater.tick());
      assertTrue(Files.readString(file).contains("ASIAFAKE000000000001"));

      broker.failNext(Status.UNAVAILABLE);
      clock.advance(Duration.ofHours(1));
      assertFalse(updater.tick());
      assertFalse(Files.readString(file).contains("[ci]"), "no expired keys left behind");
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("removed profile [ci]"));

      clock.advance(Duration.ofMinutes(1)); // the broker is back and the backoff has passed
      assertTrue(updater.tick());
      assertTrue(Files.readString(file).contains("aws_access_key_id = ASIAFAKE000000000002"));
    }
  }
  private static final String CONFIG = """
      # my settings
      [default]
      region = us-east-1
      output = json

      [profile ci]
      output = text

      [profile prod]
      region = eu-central-1
      """;

  @Test
  void withRegion_changesOnlyThatProfilesRegion() {
    List<String> lines = CONFIG.lines().toList();
    assertEquals(CONFIG.replace("[profile ci]\n", "[profile ci]\nregion = eu-west-1\n").strip(),
        String.join("\n", AwsConfigFile.withRegion(lines, "ci", "eu-west-1")), "added after the header");
    assertEquals(CONFIG.replace("eu-central-1", "eu-west-1").strip(),
        String.join("\n", AwsConfigFile.withRegion(lines, "prod", "eu-west-1")), "replaced");
    assertEquals(CONFIG.replace("region = us-east-1", "region = eu-west-1").strip(),
        String.join("\n", AwsConfigFile.withRegion(lines, "default", "eu-west-1")), "[default] has no prefix");
    assertEquals(CONFIG + "\n[profile new]\nregion = eu-west-1",
        String.join("\n", AwsConfigFile.withRegion(lines, "new", "eu-west-1")) + "", "appended");
    assertEquals(lines, AwsConfigFile.withRegion(lines, "prod", "eu-central-1"), "already set: unchanged");
    assertEquals(List.of("[profile ci]", "region = eu-west-1"), AwsConfigFile.withRegion(List.of(), "ci", "eu-west-1"));
  }

  @Test
  void once_setsTheBrokersRegionInTheProfile_keepingTheOtherProfilesAndTheFilesMode() throws Exception {
    Path config = home.resolve("aws-config");
    Files.writeString(config, CONFIG);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

    CliRun r = update(config);

    assertEquals(0, r.exit(), r.toString());
    assertEquals(CONFIG.replace("[profile ci]\n", "[profile ci]\nregion = eu-west-1\n"), Files.readString(config));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
    assertTrue(r.err().contains("credbroker: set region eu-west-1 for profile ci in " + config), r.err());
  }

  @Test
  void once_regionOption_winsOverTheBrokers_andANewConfigFileIsPrivate() throws Exception {
    Path config = home.resolve("aws-config");

    CliRun r = update(config, "--region", "ap-south-1");

    assertEquals(0, r.exit(), r.toString());
    assertEquals("[profile ci]\nregion = ap-south-1\n", Files.readString(config));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
  }

  @Test
  void once_brokerWithoutARegion_leavesTheConfigFileAlone() throws Exception {
    broker.answerCredentials(q -> broker.mint(q).toBuilder().setRegion("").build());
    Path config = home.resolve("aws-config");

    assertEquals(0, update(config).exit());
    assertFalse(Files.exists(config));
  }

  @Test
  void badRegion_isUsage_beforeTheBrokerIsAsked() throws Exception {
    CliRun r = update(home.resolve("aws-config"), "--region", "eu-west-1\n[default]");

    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("credbroker: --region must be an AWS region such as eu-west-1"), r.err());
    assertEquals(0, broker.credentialCalls());
  }

  private CliRun update(Path awsConfig, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("update", "--role", "deployer", "--profile", "ci",
        "--once", "--target", broker.target(), "--plaintext"));
    args.addAll(List.of(extra));
    return CliRun.run(Map.of("HOME", home.toString(), "AWS_CONFIG_FILE", awsConfig.toString(),
        "CREDBROKER_TOKEN", "a.b.c"), clock, args.toArray(String[]::new));
  }
}
