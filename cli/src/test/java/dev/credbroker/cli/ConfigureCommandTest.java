package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.testing.RealBroker;
import dev.credbroker.server.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * configure against a real broker (its policy grants alice the role "deployer"): the profile it
 * writes, a second run that changes nothing, other profiles and comments kept, and the written
 * credential_process line quoted so that botocore (shlex) splits it back into the same words.
 */
class ConfigureCommandTest {
  private final MutableClock clock = MutableClock.startingNow();
  @RegisterExtension final RealBroker broker = RealBroker.perTest(clock);
  @TempDir Path dir;

  private CliRun configure(Path config, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("configure", "--target", broker.target(),
        "--plaintext", "--token-file", dir.resolve("my token").toString(), "--region", "eu-west-1",
        "--command", "/opt/credbroker/credbroker"));
    args.addAll(List.of(extra));
    return CliRun.run(Map.of("AWS_CONFIG_FILE", config.toString()), clock, args.toArray(String[]::new));
  }

  @Test
  void writesAProfilePerEntitledRole_idempotently_keepingEverythingElse() throws Exception {
    Files.writeString(dir.resolve("my token"), broker.token("alice"));
    Path config = dir.resolve("config");
    String before = """
        # my settings
        [default]
        region = us-east-1

        [profile deployer]
        output = json
        region = us-west-2
        """;
    Files.writeString(config, before);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));

    CliRun first = configure(config);
    String written = Files.readString(config);
    CliRun second = configure(config);

    assertEquals(0, first.exit(), first.toString());
    assertTrue(first.out().contains("[profile deployer] written"), first.toString());
    assertEquals("""
        # my settings
        [default]
        region = us-east-1

        [profile deployer]
        credential_process = /opt/credbroker/credbroker credential-process --role deployer \
        --target %s --token-file '%s' --plaintext
        output = json
        region = eu-west-1
        """.formatted(broker.target(), dir.resolve("my token")), written);
    assertEquals(0, second.exit(), second.toString());
    assertTrue(second.out().contains("[profile deployer] unchanged"), second.toString());
    assertEquals(written, Files.readString(config), "a second run changes nothing");
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
  }

  @Test
  void profilePrefix_addsNewSectionsAtTheEnd() throws Exception {
    Files.writeString(dir.resolve("my token"), broker.token("alice"));
    Path config = dir.resolve("fresh/config");

    CliRun r = configure(config, "--profile-prefix", "corp-");

    assertEquals(0, r.exit(), r.toString());
    String text = Files.readString(config);
    assertTrue(text.startsWith("[profile corp-deployer]\nregion = eu-west-1\ncredential_process = "), text);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
  }

  @Test
  void credentialProcessLine_isSplitBackIntoTheSameWords() {
    assertEquals("credbroker 'a b' 'it'\\''s' --x=1", String.join(" ",
        ConfigureCommand.quoted("credbroker"), ConfigureCommand.quoted("a b"),
        ConfigureCommand.quoted("it's"), ConfigureCommand.quoted("--x=1")));
  }
}
