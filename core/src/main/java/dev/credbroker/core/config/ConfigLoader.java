package dev.credbroker.core.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads and validates the broker's YAML file. YAML 1.2 core schema only (no custom tags, no object
 * construction), duplicate keys rejected, aliases and size bounded, values never expanded into
 * messages, so a hostile or mistyped file
 * produces one clear message and never a half-applied configuration.
 */
public final class ConfigLoader {
  /** Larger than any sane config; bounds memory for a wrong path such as a log file. */
  static final int MAX_FILE_BYTES = 4 << 20;

  private ConfigLoader() {}

  /** Reads and validates {@code file}, including that the files it names exist and are readable. */
  public static BrokerConfig load(Path file) throws ConfigException {
    return load(file, true);
  }

  /**
   * Validates everything {@link #load} does except whether the files the configuration names (the
   * TLS certificate, key and client CA) exist and are readable here: for reviewing a configuration
   * away from the machine it runs on ({@code credbroker policy lint|explain|test}). Their paths are
   * still resolved and checked for syntax. Never for starting a broker.
   */
  public static BrokerConfig loadOffline(Path file) throws ConfigException {
    return load(file, false);
  }

  private static BrokerConfig load(Path file, boolean checkFiles) throws ConfigException {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException("", file + " is larger than " + (MAX_FILE_BYTES >> 20)
            + " MiB; is it the right file?");
      }
      text = StandardCharsets.UTF_8.newDecoder().decode(
          java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (NoSuchFileException e) {
      throw new ConfigException("", "config file not found: " + file
          + " (pass --config with the path of a YAML file)");
    } catch (CharacterCodingException e) {
      throw new ConfigException("", file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException("", "cannot read config file " + file + ": " + e.getMessage());
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), dir, checkFiles);
  }

  /** Parses YAML text; relative file paths in it resolve against {@code baseDir}. */
  public static BrokerConfig parse(String yaml, String sourceName, Path baseDir)
      throws ConfigException {
    return parse(yaml, sourceName, baseDir, true);
  }

  private static BrokerConfig parse(String yaml, String sourceName, Path baseDir,
      boolean checkFiles) throws ConfigException {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(sourceName)
        .setAllowDuplicateKeys(false)
        .setMaxAliasesForCollections(20)
        .setAllowRecursiveKeys(false)
        .setCodePointLimit(MAX_FILE_BYTES)
        .setSchema(new CoreSchema())
        .build();
    Object document;
    try {
      document = new Load(settings).loadFromString(yaml);
    } catch (YamlEngineException e) {
      throw new ConfigException("", "not valid YAML: " + oneLine(e.getMessage()));
    }
    return BrokerConfig.read(ConfigNode.root(document, baseDir, checkFiles));
  }

  private static String oneLine(String message) {
    return message == null ? "syntax error" : message.strip().replaceAll("\\s*\\n\\s*", " ");
  }
}
