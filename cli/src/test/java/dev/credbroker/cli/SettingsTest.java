package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings precedence (flag, then CREDBROKER_*, then the settings file) and the file's rules. */
class SettingsTest {
  @TempDir Path home;

  private CliOptions options(Map<String, String> env, String... args) throws Exception {
    return CliOptions.parse(List.of(args), ClientFactory.VALUED, ClientFactory.SWITCHES, env).withSettingsFile();
  }

  @Test
  void flagBeatsEnvironmentBeatsFile() throws Exception {
    Path file = Files.createDirectories(home.resolve(".config/credbroker")).resolve("config");
    Files.writeString(file, "# broker\ntarget = file:1\ntimeout = 7\nplaintext = true\n");
    Map<String, String> env = Map.of("HOME", home.toString(), "CREDBROKER_TARGET", "env:1");

    assertEquals("file:1", options(Map.of("HOME", home.toString())).get("target").orElseThrow());
    assertEquals("env:1", options(env).get("target").orElseThrow());
    assertEquals("flag:1", options(env, "--target", "flag:1").get("target").orElseThrow());
    assertEquals("7", options(env).get("timeout").orElseThrow());
    assertTrue(options(env).isSet("plaintext"));
  }

  @Test
  void xdgConfigHome_andExplicitFile() throws Exception {
    Path xdg = Files.createDirectories(home.resolve("xdg/credbroker"));
    Files.writeString(xdg.resolve("config"), "target = xdg:1\n");
    Path other = Files.writeString(home.resolve("other"), "target = other:1\n");

    assertEquals("xdg:1", options(Map.of("XDG_CONFIG_HOME", home.resolve("xdg").toString()))
        .get("target").orElseThrow());
    assertEquals("other:1", options(Map.of(), "--client-config", other.toString()).get("target").orElseThrow());
    assertEquals("other:1", options(Map.of("CREDBROKER_CLIENT_CONFIG", other.toString())).get("target").orElseThrow());
    assertEquals("settings file " + home.resolve("missing") + " does not exist", assertThrows(
        CliOptions.UsageException.class, () -> options(Map.of(), "--client-config", home.resolve("missing")
            .toString())).getMessage());
  }

  @Test
  void secretsAndUnknownKeys_areRefusedWithTheLine() {
    Path f = home.resolve("f");
    assertEquals(f + " line 2: unknown setting 'token' (tokens and secrets never go in this file;"
        + " name a file holding them)", assertThrows(CliOptions.UsageException.class,
        () -> SettingsFile.parse(List.of("target = a:1", "token = eyJ..."), f)).getMessage());
    assertEquals(f + " line 1: expected 'name = value'", assertThrows(CliOptions.UsageException.class,
        () -> SettingsFile.parse(List.of("target"), f)).getMessage());
    assertEquals(f + " line 2: target set twice", assertThrows(CliOptions.UsageException.class,
        () -> SettingsFile.parse(List.of("target = a:1", "target = b:1"), f)).getMessage());
  }

  @Test
  void tokenSources_highestLayerWins_twoInOneLayerIsAnError() throws Exception {
    Map<String, String> env = Map.of("CREDBROKER_TOKEN", "a.b.c");
    assertEquals("token", ClientFactory.tokenSetting(options(env)));
    assertEquals("token-file", ClientFactory.tokenSetting(options(env, "--token-file", "/t")));
    assertEquals("give one token source, not --token-file and --oauth-token-url", assertThrows(
        CliOptions.UsageException.class, () -> ClientFactory.tokenSetting(options(Map.of(),
            "--token-file", "/t", "--oauth-token-url", "https://idp/token"))).getMessage());
    assertTrue(Set.copyOf(SettingsFile.KEYS).containsAll(Set.of("target", "token-file", "role")));
  }
}
