package dev.credbroker.cli;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.SessionCredentials;
import dev.credbroker.client.provider.BrokerCredentialsProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code credbroker update --role R --profile P}: keeps profile P of the AWS shared credentials
 * file filled with fresh credentials, for tools that read only that file, and sets P's region in
 * the AWS config file ({@code --region}, else the broker's STS region) so those tools know where
 * to send requests. Checks every 30 seconds;
 * new credentials arrive ahead of expiry (BrokerCredentialsProvider), and if the broker stays away
 * until they expire the profile is removed rather than left expired. {@code --once} writes once
 * and exits. Runs until SIGTERM or SIGINT.
 */
final class UpdateCommand {
  static final Set<String> VALUED = Set.of("role", "profile", "duration", "credentials-file", "region");
  static final Set<String> SWITCHES = Set.of("once");
  static final Duration CHECK_EVERY = Duration.ofSeconds(30);

  private UpdateCommand() {}

  static int run(List<String> args, Io io) throws Exception {
    CliOptions o = ClientFactory.options(args, VALUED, SWITCHES, io.env());
    String role = o.required("role");
    String profile = o.required("profile");
    if (!profile.matches("[\\w.@+-]{1,64}")) {
      throw new CliOptions.UsageException("--profile must be 1 to 64 letters, digits or . _ - @ +");
    }
    Optional<String> region = regionOption(o);
    SharedCredentialsFile file = SharedCredentialsFile.locate(o.path("credentials-file"), io.env());
    try (BrokerClient client = ClientFactory.create(o)) {
      if (o.isSet("once")) {
        SessionCredentials c = DurationNotice.fetch(client, role, DurationText.option(o, "duration"), io);
        file.write(profile, c, role);
        io.err().println("credbroker: wrote profile [" + profile + "] to " + file.path() + "; expires "
            + CredentialFormats.expiration(c));
        writeRegion(region, profile, c, io);
        return CredbrokerCli.EXIT_OK;
      }
      BrokerCredentialsProvider.Builder pb = BrokerCredentialsProvider.builder().client(client).role(role)
          .clock(io.clock());
      DurationText.option(o, "duration").ifPresent(pb::duration);
      try (BrokerCredentialsProvider provider = pb.build()) {
        Updater updater = new Updater(provider, file, profile, role, io);
        // fail fast: a wrong token or role is an exit code, not a loop
        SessionCredentials first = provider.resolveSessionCredentials();
        DurationNotice.report(client, role, DurationText.option(o, "duration"), first, io);
        writeRegion(region, profile, first, io);
        CountDownLatch stop = StopSignals.install(io.err());
        do {
          updater.tick();
        } while (!stop.await(CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS));
        return CredbrokerCli.EXIT_OK;
      }
    }
  }

  private static final String REGION = "[a-z]{2}(-[a-z]+)+-\\d{1,2}";

  /** {@code --region}, checked before anything is asked of the broker. */
  private static Optional<String> regionOption(CliOptions o) throws CliOptions.UsageException {
    Optional<String> region = o.get("region");
    if (region.isPresent() && !region.get().matches(REGION)) {
      throw new CliOptions.UsageException("--region must be an AWS region such as eu-west-1, got '"
          + CliOptions.abbreviate(region.get()) + "'");
    }
    return region;
  }

  /**
   * Sets the profile's region in the AWS config file: {@code region}, else the broker's STS
   * region, else nothing. A file it cannot write is reported, and the credentials still kept fresh.
   */
  private static void writeRegion(Optional<String> region, String profile, SessionCredentials c, Io io) {
    Optional<String> chosen = region.or(() -> Optional.of(c.region()).filter(r -> r.matches(REGION)));
    Optional<AwsConfigFile> config = AwsConfigFile.locate(io.env());
    if (chosen.isEmpty() || config.isEmpty()) {
      return;
    }
    try {
      if (config.get().setRegion(profile, chosen.get())) {
        io.err().println("credbroker: set region " + chosen.get() + " for profile " + profile + " in "
            + config.get().path());
      }
    } catch (IOException e) {
      io.err().println("credbroker: cannot set the region in " + config.get().path() + ": "
          + e.getClass().getSimpleName());
    }
  }

  /** One check: writes credentials it has not written yet, or removes expired ones. */
  static final class Updater {
    private final BrokerCredentialsProvider provider;
    private final SharedCredentialsFile file;
    private final String profile;
    private final String role;
    private final Io io;
    private String written;

    Updater(BrokerCredentialsProvider provider, SharedCredentialsFile file, String profile, String role, Io io) {
      this.provider = provider;
      this.file = file;
      this.profile = profile;
      this.role = role;
      this.io = io;
    }

    /** Returns whether the profile now holds valid credentials. */
    boolean tick() {
      try {
        SessionCredentials c;
        try {
          c = CredentialFormats.requireUsable(provider.resolveSessionCredentials(), io.clock().instant());
        } catch (RuntimeException e) {
          if (written != null) {
            file.remove(profile);
            written = null;
            io.err().println("credbroker: removed profile [" + profile + "] from " + file.path()
                + ": its credentials expired and no new ones could be fetched");
          }
          io.err().println("credbroker: " + e.getMessage());
          return false;
        }
        if (!c.accessKeyId().equals(written)) {
          file.write(profile, c, role);
          written = c.accessKeyId();
          io.err().println("credbroker: wrote profile [" + profile + "] to " + file.path() + "; expires "
              + CredentialFormats.expiration(c));
        }
        return true;
      } catch (IOException e) {
        io.err().println("credbroker: cannot write " + file.path() + ": " + e.getClass().getSimpleName());
        return false;
      }
    }
  }
}
