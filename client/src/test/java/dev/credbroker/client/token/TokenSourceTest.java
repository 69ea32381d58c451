package dev.credbroker.client.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSourceTest {
  @TempDir Path dir;

  @Test
  void staticToken_isStripped_andMalformedOnesAreRefused() {
    assertEquals("a.b.c", TokenSource.of(" a.b.c\n").token());
    assertThrows(TokenException.class, () -> TokenSource.of("  "));
    TokenException e = assertThrows(TokenException.class, () -> TokenSource.of("secret part"));
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void file_isReadAgainWhenItChanges() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "first.token.value\n");
    TokenSource source = TokenSource.fromFile(file);
    assertEquals("first.token.value", source.token());

    Files.writeString(file, "second.token.value");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    assertEquals("second.token.value", source.token());
  }

  @Test
  void file_kubernetesStyleSymlinkSwap_isSeen() throws Exception {
    // kubelet writes each token into a new directory and swaps the ..data symlink to it
    Files.writeString(Files.createDirectories(dir.resolve("v1")).resolve("token"), "token.version.one");
    Files.writeString(Files.createDirectories(dir.resolve("v2")).resolve("token"), "token.version.two");
    Files.createSymbolicLink(dir.resolve("..data"), dir.resolve("v1"));
    Path token = Files.createSymbolicLink(dir.resolve("token"), dir.resolve("..data/token"));
    TokenSource source = TokenSource.fromFile(token);
    assertEquals("token.version.one", source.token());

    Files.createSymbolicLink(dir.resolve("..data_tmp"), dir.resolve("v2"));
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    assertEquals("token.version.two", source.token());
  }

  @Test
  void file_missingOrEmpty_saysWhichWithoutContent() throws Exception {
    TokenException missing = assertThrows(TokenException.class,
        () -> TokenSource.fromFile(dir.resolve("absent")).token());
    assertEquals("token file " + dir.resolve("absent") + " does not exist", missing.getMessage());
    assertInstanceOf(TokenUnavailableException.class, missing);
    assertFalse(missing.isRetryable(), "local: the call fails at once; the provider's refresher tries again later");

    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    TokenException e = assertThrows(TokenException.class, () -> TokenSource.fromFile(empty).token());
    assertFalse(e.isRetryable());
  }

  @Test
  void supplier_nullIsAFailure() {
    assertEquals("x.y.z", TokenSource.fromSupplier(() -> "x.y.z").token());
    assertThrows(TokenUnavailableException.class, () -> TokenSource.fromSupplier(() -> null).token());
  }
}
