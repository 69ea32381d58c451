package dev.credbroker.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.server.testing.DevBanner;
import dev.credbroker.server.testing.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages as a host without Java gets them: the tarball unpacked with tar, the .deb
 * installed with dpkg into a scratch root (its maintainer scripts acting on that root), then the
 * shipped launchers run with a clean environment whose PATH has no java and no JAVA_HOME: the
 * broker in --dev mode from the tarball, and the AWS CLI getting credentials through the
 * credential_process of each install.
 */
class PackageIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String VERSION = System.getProperty("credbroker.version");
  private static final String ARN = "arn:aws:sts::111122223333:assumed-role/dev-readonly/dev-user.";
  private static final List<String> UNITS = List.of("credbroker-server.service",
      "credbroker-serve.service", "credbroker-update.service", "credbroker-update.timer");

  @TempDir static Path dir;
  /** The tarball's credbroker-VERSION/ and the .deb's /opt/credbroker in its scratch root. */
  private static Path unpacked;
  private static Path root;
  private static Path installed;
  /** A PATH directory with the few tools the launchers and tests use, and no java. */
  private static Path noJava;
  private static ProcessRunner broker;
  private static String target;
  private static Path tokenFile;
  private static String devAws;

  @BeforeAll
  static void install() throws Exception {
    noJava = Files.createDirectories(dir.resolve("path"));
    for (String tool : List.of("readlink", "dirname")) { // what the launchers run besides sh
      Path wrapper = Files.writeString(noJava.resolve(tool), "#!/bin/sh\nexec /usr/bin/" + tool + " \"$@\"\n");
      Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path tarball = Path.of(System.getProperty("credbroker.tarball"));
    assertEquals(0, run(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString())).exit());
    unpacked = dir.resolve("credbroker-" + VERSION);

    root = Files.createDirectories(dir.resolve("root"));
    Path admin = Files.createDirectories(root.resolve("var/lib/dpkg"));
    Files.createDirectories(admin.resolve("info"));
    Files.createDirectories(admin.resolve("updates"));
    Files.createFile(admin.resolve("status"));
    Files.createDirectories(root.resolve("etc"));
    // --force-depends: the scratch root has no libc6 package (the host's libraries are used);
    // chrootless: postinst runs on this host with DPKG_ROOT set, and acts on the scratch root only.
    Result dpkg = run(List.of("dpkg", "--root=" + root, "--log=" + dir.resolve("dpkg.log"),
        "--force-script-chrootless", "--force-depends", "-i", System.getProperty("credbroker.deb")));
    assertEquals(0, dpkg.exit(), dpkg.output());
    installed = root.resolve("opt/credbroker");

    Path config = Files.writeString(dir.resolve("dev.yaml"), """
        server: {listen: 127.0.0.1:0}
        roles:
          dev-readonly: {arn: "arn:aws:iam::111122223333:role/dev-readonly", max_duration: 1h}
        rules:
          - {id: dev-user, when: {claims: {sub: dev-user}}, roles: [dev-readonly]}
        """);
    broker = ProcessRunner.start(clean(dir.resolve("broker-home"),
        unpacked.resolve("bin/credbroker-server").toString(), "--dev", "--config", config.toString()));
    broker.awaitLine("DEVELOPMENT MODE - NOT FOR PRODUCTION", WAIT);
    devAws = broker.awaitLine("AWS \\(development\\): (\\S+) ", WAIT).group(1);
    target = broker.awaitLine("^export CREDBROKER_TARGET=(\\S+) ", WAIT).group(1);
    tokenFile = DevBanner.tokenFile(broker, WAIT);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void tarball_holdsLaunchersJarsRuntimeArchiveUnitsCompletionAndLicense() throws Exception {
    for (String exe : List.of("bin/credbroker", "bin/credbroker-server", "runtime/bin/java")) {
      assertTrue(Files.isExecutable(unpacked.resolve(exe)), exe);
    }
    for (String file : List.of("lib/credbroker.jar", "lib/credbroker-server.jar", "lib/credbroker.jsa",
        "runtime/lib/server/classes.jsa", "completion/credbroker.bash", "completion/credbroker.zsh",
        "NOTICE")) {
      assertTrue(Files.isRegularFile(unpacked.resolve(file)), file);
    }
    for (String unit : UNITS) {
      assertTrue(Files.isRegularFile(unpacked.resolve("systemd").resolve(unit)), unit);
    }
    assertTrue(Files.readString(unpacked.resolve("LICENSE")).contains("Apache License\n"
        + "                           Version 2.0, January 2004"));
    assertFalse(Files.exists(unpacked.resolve("runtime/include")), "--no-header-files");
    assertFalse(Files.exists(unpacked.resolve("runtime/man")), "--no-man-pages");
    assertFalse(Files.readString(unpacked.resolve("runtime/release")).contains("jdk.compiler"),
        "a runtime of the modules the jars need, not a JDK");
  }

  @Test
  void deb_installsTheSameTreeUnderOpt_unitsCompletionTheCommandAndTheAccount() throws Exception {
    assertEquals(tree(unpacked), tree(installed));
    for (String unit : UNITS) {
      assertEquals(Files.readString(unpacked.resolve("systemd").resolve(unit)),
          Files.readString(root.resolve("lib/systemd/system").resolve(unit)), unit);
    }
    assertEquals(Path.of("/opt/credbroker/bin/credbroker"),
        Files.readSymbolicLink(root.resolve("usr/bin/credbroker")));
    assertEquals(Files.readString(unpacked.resolve("completion/credbroker.bash")),
        Files.readString(root.resolve("usr/share/bash-completion/completions/credbroker")));
    Set<PosixFilePermission> exec = Files.getPosixFilePermissions(installed.resolve("runtime/bin/java"));
    assertTrue(exec.contains(PosixFilePermission.OTHERS_EXECUTE), exec.toString());
    assertTrue(Files.readAllLines(root.resolve("etc/passwd")).stream().anyMatch(l -> l.startsWith("credbroker:")),
        "postinst (systemd-sysusers) created the account the units run as, in the scratch root");

    Result control = run(List.of("dpkg-deb", "--field", System.getProperty("credbroker.deb")));
    assertEquals(0, control.exit(), control.output());
    assertTrue(control.output().contains("Package: credbroker\n"), control.output());
    assertTrue(control.output().contains("Architecture: amd64\n"), control.output());
    String depends = control.output().lines().filter(l -> l.startsWith("Depends:")).findFirst().orElseThrow();
    assertFalse(Pattern.compile("java|jre|jdk").matcher(depends).find(), depends);
  }

  @Test
  void withoutJava_bothInstallsPrintTheirVersions() throws Exception {
    Result which = run(clean(dir.resolve("home"), "/bin/sh", "-c", "command -v java"));
    assertNotEquals(0, which.exit(), "java on the test PATH: " + which.output());
    for (Path home : List.of(unpacked, installed)) {
      Result cli = run(clean(dir.resolve("home"), home.resolve("bin/credbroker").toString(), "--version"));
      assertEquals(new Result(0, "credbroker " + VERSION + "\n"), cli);
      Result server = run(clean(dir.resolve("home"), home.resolve("bin/credbroker-server").toString(),
          "--version"));
      assertEquals(0, server.exit(), server.output());
      assertTrue(server.output().contains(VERSION), server.output());
    }
  }

  /**
   * The archive made at package time matches the runtime and the jar where each install put them,
   * with the launcher's own flags: in a credential-process round trip the CLI's classes come from
   * it, not from the jar ("(top)": the AppCDS archive lies on top of the runtime's own), and the JVM
   * warns about nothing.
   */
  @Test
  void bothInstalls_credentialProcessLoadsTheCliFromTheClassDataArchive_withoutWarnings() throws Exception {
    String source = "source: shared objects file (top)\n";
    for (Path home : List.of(unpacked, installed)) {
      Result loads = run(clean(dir.resolve("home"), "JAVA_TOOL_OPTIONS=-Xlog:class+load=info",
          home.resolve("bin/credbroker").toString(), "credential-process", "--role", "dev-readonly",
          "--target", target, "--plaintext", "--token-file", tokenFile.toString(), "--no-cache"));
      assertEquals(0, loads.exit(), loads.output());
      assertTrue(loads.output().contains("\"AccessKeyId\""), "a round trip");
      assertTrue(loads.output().contains("dev.credbroker.cli.CredbrokerCli " + source),
          home + ": " + loads.output().lines().filter(l -> l.contains("CredbrokerCli ")).toList());
      assertFalse(Pattern.compile("(?m)^WARNING|\\[(error|warning)\\]").matcher(loads.output()).find(),
          "the launcher's flags match the runtime and the archive: " + loads.output().lines()
              .filter(l -> l.startsWith("WARNING") || l.contains("[error]") || l.contains("[warning]")).toList());
    }
  }

  /** The banner's profile runs the tarball's launcher (DevMode finds it beside lib/). */
  @Test
  void withoutJava_awsCliThroughTheTarballsCredentialProcess_printsTheRolesArn() throws Exception {
    String config = broker.awaitLine("^export AWS_CONFIG_FILE=(\\S+)", WAIT).group(1);
    assertTrue(Files.readString(Path.of(config)).contains("credential_process = "
        + unpacked.resolve("bin/credbroker") + " credential-process --role dev-readonly"),
        Files.readString(Path.of(config)));
    Result r = aws(config, "tarball");
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().strip().startsWith(ARN), r.output());
  }

  @Test
  void withoutJava_awsCliThroughTheDebsCredentialProcess_printsTheRolesArn() throws Exception {
    Path config = Files.writeString(dir.resolve("deb-aws-config"), """
        [profile dev-readonly]
        region = us-east-1
        credential_process = %s credential-process --role dev-readonly --target %s --plaintext --token-file %s
        """.formatted(installed.resolve("bin/credbroker"), target, tokenFile));
    Result r = aws(config.toString(), "deb");
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().strip().startsWith(ARN), r.output());
    Result again = aws(config.toString(), "deb");
    assertEquals(r, again, "the same session, from the credential cache");
  }

  /**
   * The tarball's {@code serve --imds} on a host without Java, with the launcher's own flags (the
   * serve branch's heap, code cache and native-heap trim): the AWS CLI signs with its credentials
   * through the container endpoint and, given only AWS_EC2_METADATA_SERVICE_ENDPOINT, through IMDSv2.
   */
  @Test
  void withoutJava_serveGivesTheAwsCliTheRoleThroughTheContainerEndpointAndImdsV2() throws Exception {
    try (ProcessRunner serve = ProcessRunner.start(clean(dir.resolve("serve-home"),
        unpacked.resolve("bin/credbroker").toString(), "serve", "--role", "dev-readonly", "--imds",
        "--target", target, "--plaintext", "--token-file", tokenFile.toString()))) {
      String uri = serve.awaitLine("^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(\\S+)$", WAIT).group(1);
      String token = Files.readString(Path.of(serve.awaitLine(
          "^export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=(\\S+)$", WAIT).group(1)));
      String imds = serve.awaitLine("^# export AWS_EC2_METADATA_SERVICE_ENDPOINT=(\\S+)$", WAIT).group(1);

      Result container = aws("serve-container", List.of("AWS_CONFIG_FILE=/dev/null",
          "AWS_DEFAULT_REGION=us-east-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI=" + uri,
          "AWS_CONTAINER_AUTHORIZATION_TOKEN=" + token, "AWS_EC2_METADATA_DISABLED=true"));
      assertEquals(0, container.exit(), container.output());
      assertTrue(container.output().strip().startsWith(ARN), container.output());
      Result instance = aws("serve-imds", List.of("AWS_CONFIG_FILE=/dev/null",
          "AWS_DEFAULT_REGION=us-east-1", "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + imds));
      assertEquals(0, instance.exit(), instance.output());
      assertTrue(instance.output().strip().startsWith(ARN), instance.output());

      serve.terminate();
      assertEquals(0, serve.awaitExit(WAIT), serve.output());
    }
  }

  /**
   * systemd-analyze verify on the installed units, in a mount namespace where the scratch root's
   * /opt is /opt (it checks that ExecStart's programs exist); the host's /opt is not touched.
   */
  @Test
  void units_passSystemdAnalyzeVerify() throws Exception {
    assertTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "/usr/bin/systemd-analyze"
        + " (Debian systemd) is required; scripts/install-test-deps.sh installs it");
    StringBuilder units = new StringBuilder();
    UNITS.forEach(u -> units.append(' ').append(root.resolve("lib/systemd/system").resolve(u)));
    Result r = run(List.of("unshare", "--mount", "sh", "-c", "mount --bind " + root.resolve("opt")
        + " /opt && exec systemd-analyze verify --man=no" + units));
    assertEquals(new Result(0, ""), r);
  }

  /** Debian's AWS CLI printing the caller's ARN, its credentials from a credential_process profile. */
  private static Result aws(String config, String name) throws Exception {
    return aws(name, List.of("AWS_CONFIG_FILE=" + config, "AWS_EC2_METADATA_DISABLED=true"), "--profile",
        "dev-readonly");
  }

  /**
   * Debian's AWS CLI printing the caller's ARN, with no credentials of its own (an empty shared
   * credentials file): only what {@code variables} point it to.
   */
  private static Result aws(String name, List<String> variables, String... options) throws Exception {
    Path home = Files.createDirectories(dir.resolve("aws-" + name));
    List<String> command = new ArrayList<>(List.of(
        "AWS_SHARED_CREDENTIALS_FILE=" + home.resolve("credentials")));
    command.addAll(variables);
    command.addAll(List.of("/usr/bin/aws", "sts", "get-caller-identity", "--endpoint-url", devAws,
        "--query", "Arn", "--output", "text"));
    command.addAll(List.of(options));
    return run(clean(home, command.toArray(String[]::new)));
  }

  /**
   * {@code command} under {@code env -i}: nothing inherited (no JAVA_HOME), HOME and a PATH
   * without java; leading {@code NAME=value} words add variables.
   */
  private static List<String> clean(Path home, String... command) throws Exception {
    Files.createDirectories(home);
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "-i", "HOME=" + home, "PATH=" + noJava));
    cmd.addAll(List.of(command));
    return cmd;
  }

  /** Relative paths of every file and link under {@code top}, sorted. */
  private static List<String> tree(Path top) throws Exception {
    try (Stream<Path> files = Files.walk(top)) {
      return files.filter(p -> !Files.isDirectory(p)).map(p -> top.relativize(p).toString()).sorted().toList();
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws Exception {
    try (ProcessRunner p = ProcessRunner.start(command)) {
      int exit = p.awaitExit(WAIT);
      String out = p.output();
      return new Result(exit, out.isEmpty() ? "" : out + "\n");
    }
  }
}
