package dev.credbroker.core.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class Sha256Test {

  @Test
  void of_knownVector() {
    assertEquals("ba7816bf8f01cfea", Sha256.shortHex(Sha256.of("abc"))); // FIPS 180-2, appendix B.1
  }

  @Test
  void of_repeatedOnManyThreads_matchesAFreshDigestEveryTime() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> checks = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        String text = "token-" + i;
        checks.add(pool.submit(() -> {
          assertArrayEquals(MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(StandardCharsets.UTF_8)), Sha256.of(text));
          return null;
        }));
      }
      for (Future<?> check : checks) {
        check.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
