package dev.credbroker.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Reads what a {@code --dev} broker printed, as a user pasting its lines would use it. */
public final class DevBanner {
  private DevBanner() {}

  /** The dev token, from the private file the banner's CREDBROKER_TOKEN_FILE line names. */
  public static String token(ProcessRunner broker, Duration wait)
      throws IOException, InterruptedException {
    return Files.readString(tokenFile(broker, wait)).strip();
  }

  public static Path tokenFile(ProcessRunner broker, Duration wait) throws InterruptedException {
    return Path.of(broker.awaitLine("^export CREDBROKER_TOKEN_FILE=(\\S+)$", wait).group(1));
  }
}
