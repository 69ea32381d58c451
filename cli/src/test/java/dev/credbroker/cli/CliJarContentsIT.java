package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What the shipped {@code credbroker.jar} holds: the client library and core, never the broker.
 * No AWS STS or Secrets Manager SDK (the broker calls AWS, the command never does), no
 * grpc-services (health, reflection, channelz, binary log), no logback, no broker class.
 */
class CliJarContentsIT {
  private static final List<String> SERVER_ONLY = List.of(
      "software/amazon/awssdk/services/sts/",
      "software/amazon/awssdk/services/secretsmanager/",
      "io/grpc/services/",
      "io/grpc/protobuf/services/",
      "io/grpc/health/v1/",
      "io/grpc/reflection/",
      "io/grpc/channelz/v1/",
      "io/grpc/binarylog/v1/",
      "ch/qos/logback/",
      "dev/credbroker/server/",
      "com/zaxxer/hikari/", // the broker's store pool: the CLI connects once, with plain JDBC
      "org/flywaydb/", // the broker's store migrations
      "db/migration/");
  /** Half of the 28.75 MiB the jar weighed while it carried the server. */
  private static final long MAX_BYTES = 30_148_716L / 2;

  private final Path jar = Path.of(System.getProperty("credbroker.cliJar"));

  @Test
  void cliJar_holdsNoServerSideClasses() throws Exception {
    List<String> found;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      found = zip.stream().map(ZipEntry::getName)
          .filter(name -> SERVER_ONLY.stream().anyMatch(name::startsWith))
          .limit(20).toList();
    }
    assertEquals(List.of(), found, "server-side entries in " + jar);
  }

  @Test
  void cliJar_isAtMostHalfItsSizeWithTheServer() throws Exception {
    long size = Files.size(jar);
    System.out.printf("credbroker.jar: %d bytes (%.2f MiB)%n", size, size / 1048576.0);
    assertTrue(size <= MAX_BYTES, jar + " is " + size + " bytes, more than " + MAX_BYTES);
  }
}
