package dev.credbroker.core.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void load_completeFile_bindsEveryKey() throws Exception {
    Files.writeString(dir.resolve("tls.crt"), "x");
    Files.writeString(dir.resolve("tls.key"), "x");
    Files.writeString(dir.resolve("clients.pem"), "x");
    Path file = write("""
        server:
          listen: "[::1]:9443"
          tls: { cert: tls.crt, key: tls.key, client_ca: clients.pem }
          shutdown_grace: 1m30s
          reflection: false
          limits:
            max_inbound_message_size: 16KiB
            max_inbound_metadata_size: 1MiB
            max_concurrent_calls_per_connection: 50
            handshake_timeout: 5s
            keepalive_time: 1h
            keepalive_timeout: 10s
            permit_keepalive_time: 0s
            max_connection_idle: 10m
            max_connection_age: 2h
            max_connection_age_grace: 30s
        logging: { level: debug, format: json }
        """);

    BrokerConfig config = ConfigLoader.load(file);

    ServerConfig server = config.server();
    assertAll(
        () -> assertEquals(new ListenAddress("::1", 9443), server.listen()),
        () -> assertEquals(dir.resolve("tls.crt"), server.tls().orElseThrow().certChain()),
        () -> assertEquals(Optional.of(dir.resolve("clients.pem")),
            server.tls().orElseThrow().clientCa()),
        () -> assertEquals(Duration.ofSeconds(90), server.shutdownGrace()),
        () -> assertFalse(server.reflection()),
        () -> assertEquals(new ServerLimits(16 * 1024, 1 << 20, 50, Duration.ofSeconds(5),
            Duration.ofHours(1), Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(10),
            Duration.ofHours(2), Duration.ofSeconds(30)), server.limits()),
        () -> assertEquals(new LoggingConfig(LoggingConfig.Level.DEBUG,
            LoggingConfig.Format.JSON), config.logging()));
  }

  @Test
  void load_issuers_bindEveryKeyWithDefaults() throws Exception {
    BrokerConfig config = ConfigLoader.load(write("""
        server: {listen: 127.0.0.1:8443}
        issuers:
          - issuer: https://idp.example.com/realms/corp
            audiences: [credential-broker, account]
            algorithms: [RS256, ES256, EdDSA]
            clock_skew: 30s
            max_token_age: 12h
            required_typ: at+jwt
            required_claims: [email]
            jwks_uri: https://idp.example.com/realms/corp/certs
            jwks_cache_ttl: 10m
            jwks_min_refetch_interval: 1m
            outage_tolerance: 2h
            connect_timeout: 1s
            read_timeout: 3s
          - issuer: http://127.0.0.1:8080/dev
            audiences: credbroker
        """));

    IssuerConfig full = config.issuers().get(0);
    assertEquals(Set.of("RS256", "ES256", "EdDSA"), full.algorithms());
    assertEquals(Optional.of(Duration.ofHours(12)), full.maxTokenAge());
    assertEquals(Optional.of("at+jwt"), full.requiredType());
    assertEquals(java.util.List.of("email"), full.requiredClaims());
    assertEquals(Duration.ofHours(2), full.outageTolerance());
    IssuerConfig minimal = config.issuers().get(1);
    assertEquals(Set.of("RS256"), minimal.algorithms(), "RS256 unless listed");
    assertEquals(java.util.List.of("credbroker"), minimal.audiences());
    assertEquals(Duration.ofSeconds(60), minimal.clockSkew());
    assertEquals(Duration.ofMinutes(15), minimal.jwksCacheTtl());
    assertEquals("http://127.0.0.1:8080/dev/.well-known/openid-configuration",
        minimal.discoveryUri().toString());
  }

  @Test
  void load_secrets_bindEveryKeyWithDefaults() throws Exception {
    String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:payments/db-AbCdEf";
    BrokerConfig config = ConfigLoader.load(write("""
        server: {listen: 127.0.0.1:8443}
        aws: {secrets_manager_endpoint: "http://127.0.0.1:4566"}
        secrets:
          full:
            id: "%s"
            cache_ttl: 5m
            stale_grace: 2h
            role_arn: arn:aws:iam::123456789012:role/secrets-reader
            external_id: ext-42
            allow_request_by_id: true
            force_refresh_interval: 30s
          minimal: {id: payments/cache}
        """.formatted(arn)));

    assertEquals(new SecretConfig("full", arn, Duration.ofMinutes(5), Duration.ofHours(2),
        Optional.of("arn:aws:iam::123456789012:role/secrets-reader"), Optional.of("ext-42"), true,
        Duration.ofSeconds(30)), config.secrets().get("full"));
    assertEquals(Set.of(arn, "payments/db"), config.secrets().get("full").idsAccepted());
    assertEquals(SecretConfig.of("minimal", "payments/cache"), config.secrets().get("minimal"));
    assertEquals(Set.of(), config.secrets().get("minimal").idsAccepted());
    assertEquals("http://127.0.0.1:4566",
        config.aws().secretsManagerEndpoint().orElseThrow().toString());
  }

  @Test
  void load_sessionName_perRoleOrTheDefault() throws Exception {
    BrokerConfig config = ConfigLoader.load(write("""
        server: {listen: 127.0.0.1:1}
        credentials: {session_name: "{preferred_username}"}
        roles:
          own: {arn: "arn:aws:iam::123456789012:role/own", session_name: "svc-{azp}"}
          inherits: {arn: "arn:aws:iam::123456789012:role/inherits"}
        """));
    assertEquals("svc-{azp}", config.roles().get("own").sessionName().orElseThrow().text());
    assertEquals("{preferred_username}",
        config.roles().get("inherits").sessionName().orElseThrow().text());
    assertEquals(java.util.Optional.of("svc-payments"), config.roles().get("own").sessionName()
        .orElseThrow().render(java.util.Map.of("azp", "payments")));
    assertEquals(java.util.Optional.empty(), config.roles().get("own").sessionName()
        .orElseThrow().render(java.util.Map.of("azp", java.util.List.of("a"))),
        "not a string, number or boolean: the subject is used");
    assertTrue(ConfigLoader.load(write("server: {listen: 127.0.0.1:1}\nroles: {r: {arn:"
        + " \"arn:aws:iam::123456789012:role/r\"}}\n")).roles().get("r").sessionName()
        .isEmpty());
  }

  @Test
  void load_coreSchemaBooleans_areBooleans() throws Exception {
    assertFalse(ConfigLoader.load(write("server: {listen: 127.0.0.1:1, reflection: False}\n"))
        .server().reflection());
  }

  @Test
  void load_minimalFile_appliesDefaults() throws Exception {
    BrokerConfig config = ConfigLoader.load(write("server: { listen: 127.0.0.1:8443 }\n"));

    assertEquals(ServerLimits.DEFAULTS, config.server().limits());
    assertEquals(ServerConfig.DEFAULT_SHUTDOWN_GRACE, config.server().shutdownGrace());
    assertTrue(config.server().reflection());
    assertTrue(config.server().tls().isEmpty());
    assertEquals(LoggingConfig.DEFAULTS, config.logging());
    assertEquals(MetricsConfig.DEFAULTS, config.metrics());
  }

  @Test
  void load_metricsAndStartupCheck_bindEveryKey() throws Exception {
    BrokerConfig config = ConfigLoader.load(write("""
        server: {listen: 127.0.0.1:8443}
        metrics: {enabled: false, listen: "0.0.0.0:9100", insecure_plaintext: true}
        issuers: [{issuer: "https://a.example", audiences: [b], startup_check: fail}]
        """));

    assertEquals(new MetricsConfig(false, ListenAddress.parse("0.0.0.0:9100"),
        java.util.Optional.empty(), true), config.metrics());
    assertEquals(IssuerConfig.StartupCheck.FAIL, config.issuers().get(0).startupCheck());
  }

  @Test
  void load_shippedQuickstartExample_isValid() throws Exception {
    Path example = Path.of(System.getProperty("user.dir")).resolve("../examples/quickstart.yaml");
    assertTrue(ConfigLoader.load(example).server().listen().isLoopback());
  }

  /** Each class of mistake is reported with its key path and what to write instead. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      typo in a nested key        | server: {listen: 127.0.0.1:1, lsten: x}                 | server.lsten: unknown key; did you mean 'listen'?
      typo in a top-level key     | {server: {listen: 127.0.0.1:1}, loging: {}}             | loging: unknown key; did you mean 'logging'?
      unrelated unknown key       | {server: {listen: 127.0.0.1:1}, zzzzzzzzzz: 1}          | zzzzzzzzzz: unknown key; known keys here: server, issuers, roles, secrets, aws, credentials, logging, audit, metrics, revocation, rate_limits, rules
      missing server              | logging: {level: info}                                  | server: required
      missing listen              | server: {reflection: true}                              | server.listen: required; write for example listen: 127.0.0.1:8443
      listen without port         | server: {listen: localhost}                             | server.listen: expected host:port
      bare IPv6                   | server: {listen: '::1:80'}                              | IPv6 addresses go in brackets
      port out of range           | server: {listen: 127.0.0.1:70000}                       | server.listen: port 70000 is outside 0-65535
      word for a duration         | server: {listen: 127.0.0.1:1, shutdown_grace: soon}     | server.shutdown_grace: expected a duration such as 30s, 15m, 1h or 1h30m, got 'soon'
      number for a duration       | server: {listen: 127.0.0.1:1, shutdown_grace: 15}       | server.shutdown_grace: expected a duration such as 30s, 15m, 1h or 1h30m, got '15'
      duration out of range       | server: {listen: 127.0.0.1:1, shutdown_grace: 2h}       | server.shutdown_grace: must be between 0s and 1h, got 2h
      text for a boolean          | server: {listen: 127.0.0.1:1, reflection: 'yes'}        | server.reflection: expected true or false, got text 'yes'
      text for a number           | server: {listen: 127.0.0.1:1, limits: {max_concurrent_calls_per_connection: many}} | server.limits.max_concurrent_calls_per_connection: expected a whole number, got text 'many'
      number out of range         | server: {listen: 127.0.0.1:1, limits: {max_concurrent_calls_per_connection: 0}}    | server.limits.max_concurrent_calls_per_connection: must be between 1 and 100000, got 0
      bad size unit               | server: {listen: 127.0.0.1:1, limits: {max_inbound_message_size: 4MB}}              | server.limits.max_inbound_message_size: expected a size such as 65536, 64KiB or 4MiB, got '4MB'
      huge number                 | server: {listen: 127.0.0.1:1, limits: {max_inbound_message_size: 99999999999999999999}} | server.limits.max_inbound_message_size: expected a size
      list for a mapping          | server: [1, 2]                                          | server: expected a mapping (key: value lines), got a list
      unknown enum value          | {server: {listen: 127.0.0.1:1}, logging: {format: xml}} | logging.format: expected one of json, text, got 'xml'
      missing tls file            | server: {listen: 127.0.0.1:1, tls: {cert: nope.pem, key: nope.key}} | server.tls.cert: file not found:
      tls without key             | server: {listen: 127.0.0.1:1, tls: {cert: nope.pem}}    | server.tls.key: required when tls is set
      duplicate key               | 'server: {listen: 127.0.0.1:1}\\nserver: {listen: 127.0.0.1:2}' | found duplicate key server
      broken YAML                 | 'server: [127.0.0.1:1'                                  | not valid YAML:
      a scalar document           | just text                                               | expected a mapping
      empty tls section           | 'server: {listen: 127.0.0.1:1, tls: }'                  | server.tls: has no value; write one or remove the key
      list for a duration         | server: {listen: 127.0.0.1:1, shutdown_grace: [1, 2]}   | server.shutdown_grace: expected a single value, got a list
      multi-line value            | 'server: {listen: "a\\nb\\nc"}'                         | server.listen: expected host:port such as 127.0.0.1:8443, 0.0.0.0:8443 or [::1]:8443, got 'a b c'
      NUL in a path               | 'server: {listen: 127.0.0.1:1, tls: {cert: "a\\0b", key: k}}' | server.tls.cert: not a valid file path
      symmetric algorithm         | 'issuers: [{issuer: "https://idp.example.com", audiences: [b], algorithms: [HS256]}]\\nserver: {listen: 127.0.0.1:1}' | issuers[0].algorithms[0]: symmetric and unsigned algorithms are never accepted: 'HS256'
      alg none                    | 'issuers: [{issuer: "https://idp.example.com", audiences: [b], algorithms: [none]}]\\nserver: {listen: 127.0.0.1:1}' | symmetric and unsigned algorithms are never accepted
      http issuer off loopback    | 'issuers: [{issuer: "http://idp.example.com", audiences: [b]}]\\nserver: {listen: 127.0.0.1:1}' | issuers[0].issuer: must be an https:// URL (http:// only for loopback hosts)
      issuer without audiences    | 'issuers: [{issuer: "https://idp.example.com"}]\\nserver: {listen: 127.0.0.1:1}' | issuers[0].audiences: required
      issuer listed twice         | 'issuers: [{issuer: "https://a.example", audiences: [b]}, {issuer: "https://a.example", audiences: [c]}]\\nserver: {listen: 127.0.0.1:1}' | issuers[1].issuer: 'https://a.example' is listed twice
      typo in an issuer key       | 'issuers: [{issuer: "https://a.example", audiences: [b], clock_skw: 1m}]\\nserver: {listen: 127.0.0.1:1}' | issuers[0].clock_skw: unknown key; did you mean 'clock_skew'?
      http to a name, not literal | 'issuers: [{issuer: "http://localhost.example.com", audiences: [b]}]\\nserver: {listen: 127.0.0.1:1}' | issuers[0].issuer: must be an https:// URL (http:// only for loopback hosts)
      refetch interval of zero    | 'issuers: [{issuer: "https://a.example", audiences: [b], jwks_min_refetch_interval: 0s}]\\nserver: {listen: 127.0.0.1:1}' | issuers[0].jwks_min_refetch_interval: must be between 1s and 1h, got 0s
      web identity with tags      | 'roles: {r: {arn: "arn:aws:iam::123456789012:role/r", mode: web_identity, session_tags: {a: b}}}\\nserver: {listen: 127.0.0.1:1}' | roles.r.session_tags: not available with mode: web_identity
      secret id neither name nor ARN | 'secrets: {s: {id: "has space"}}\nserver: {listen: 127.0.0.1:1}' | secrets.s.id: not a secret name (1-512 of letters, digits and /_+=.@-) or a secret ARN: 'has space'
      secret role not a role ARN  | 'secrets: {s: {id: a, role_arn: "arn:aws:iam::1:user/x"}}\nserver: {listen: 127.0.0.1:1}' | secrets.s.role_arn: not an IAM role ARN
      external id without a role  | 'secrets: {s: {id: a, external_id: ext-1}}\nserver: {listen: 127.0.0.1:1}' | secrets.s.external_id: applies to role_arn; set role_arn too
      stale grace out of range    | 'secrets: {s: {id: a, stale_grace: 8d}}\nserver: {listen: 127.0.0.1:1}' | secrets.s.stale_grace: must be between 0s and 7d, got 8d
      force refresh of zero       | 'secrets: {s: {id: a, force_refresh_interval: 0s}}\nserver: {listen: 127.0.0.1:1}' | secrets.s.force_refresh_interval: must be between 1s and 1h, got 0s
      one id for two secrets      | 'secrets: {s: {id: a, allow_request_by_id: true}, t: {id: a, allow_request_by_id: true}}\nserver: {listen: 127.0.0.1:1}' | secrets.t.allow_request_by_id: 'a' would name both this secret and 's'; allow it on one of them only
      id that is another alias    | 'secrets: {s: {id: t, allow_request_by_id: true}, t: {id: b}}\nserver: {listen: 127.0.0.1:1}' | secrets.s.allow_request_by_id: 't' would name both this secret and 't'
      secrets endpoint off loopback | 'aws: {secrets_manager_endpoint: "http://sm.example.com"}\nserver: {listen: 127.0.0.1:1}' | aws.secrets_manager_endpoint: must be https://
      skew above the cap          | 'issuers: [{issuer: "https://a.example", audiences: [b], clock_skew: 10m}]\\nserver: {listen: 127.0.0.1:1}' | issuers[0].clock_skew: must be between 0s and 5m, got 10m
      audit file missing          | '{server: {listen: 127.0.0.1:1}, audit: {fail_closed: true}}' | audit.file: required for the file sink; write for example file: /var/log/credbroker/audit.jsonl (or sink: stdout)
      stdout sink with a file     | '{server: {listen: 127.0.0.1:1}, audit: {sink: stdout, file: a.jsonl}}' | audit.file: only the file sink takes a file; remove it or remove sink: stdout
      stdout sink with rotation   | '{server: {listen: 127.0.0.1:1}, audit: {sink: stdout, rotate_every: 1h}}' | audit: rotation applies to the file sink only
      sample rate without sample  | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, sample_percent: 5}}' | audit.sample_percent: only used with informational: sample
      unknown durability          | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, durability: maybe}}' | audit.durability: expected one of fsync, os_buffered
      allow rule granting nothing | '{server: {listen: 127.0.0.1:1}, rules: [{id: r, auditor: false}]}' | rules[0]: an allow rule needs roles, secrets, auditor: true or admin: true to grant
      broker id with a slash      | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, broker_id: a/b}}' | audit.broker_id: 1-64 letters, digits
      checkpoint interval too short | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, checkpoint_interval: 1s}}' | audit.checkpoint_interval
      metrics listen without port | '{server: {listen: 127.0.0.1:1}, metrics: {listen: localhost}}' | metrics.listen: expected host:port
      metrics tls without key     | '{server: {listen: 127.0.0.1:1}, metrics: {tls: {cert: c.pem}}}' | metrics.tls.key: required when tls is set
      metrics misspelt key        | '{server: {listen: 127.0.0.1:1}, metrics: {enable: false}}' | metrics.enable: unknown key; did you mean 'enabled'?
      unknown startup check       | 'issuers: [{issuer: "https://a.example", audiences: [b], startup_check: maybe}]\nserver: {listen: 127.0.0.1:1}' | issuers[0].startup_check: expected one of fail, skip, warn
      revocation poll too slow    | '{server: {listen: 127.0.0.1:1}, revocation: {poll_interval: 10m}}' | revocation.poll_interval: must be between 1s and 5m, got 10m
      fail closed before a poll   | '{server: {listen: 127.0.0.1:1}, revocation: {poll_interval: 30s, fail_closed_after: 10s}}' | revocation.fail_closed_after: must be at least poll_interval (30s)
      unknown revocation key      | '{server: {listen: 127.0.0.1:1}, revocation: {store: pg}}' | revocation.store
      revoke_in_aws not a boolean | '{server: {listen: 127.0.0.1:1}, roles: {r: {arn: "arn:aws:iam::123456789012:role/r", revoke_in_aws: maybe}}}' | roles.r.revoke_in_aws
      store without postgres      | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, store: {retention: 400d}}}' | audit.store.postgres: required; write for example
      store url not jdbc          | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, store: {postgres: {url: "postgres://h/db", user: u}}}}' | audit.store.postgres.url: expected a PostgreSQL JDBC URL
      store password in the url   | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, store: {postgres: {url: "jdbc:postgresql://h/db?password=hunter2", user: u}}}}' | audit.store.postgres.url: holds a password; remove it from the URL and put it in the file password_file names
      store password file missing | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, store: {postgres: {url: "jdbc:postgresql://h/db", user: u, password_file: nope}}}}' | audit.store.postgres.password_file: file not found
      store with stdout           | '{server: {listen: 127.0.0.1:1}, audit: {sink: stdout, store: {postgres: {url: "jdbc:postgresql://h/db", user: u}}}}' | audit.store: the store is fed from the local audit file
      store retention too short   | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, store: {retention: 1d, postgres: {url: "jdbc:postgresql://h/db", user: u}}}}' | audit.store.retention: must be between 31d
      store key typo              | '{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, store: {postgres: {url: "jdbc:postgresql://h/db", user: u, pool_sise: 3}}}}' | audit.store.postgres.pool_sise: unknown key; did you mean 'pool_size'?
      session name unclosed       | '{server: {listen: 127.0.0.1:1}, roles: {r: {arn: "arn:aws:iam::123456789012:role/r", session_name: "{azp"}}}' | roles.r.session_name: a placeholder opened with { is not closed with }
      session name no claim       | '{server: {listen: 127.0.0.1:1}, roles: {r: {arn: "arn:aws:iam::123456789012:role/r", session_name: fixed}}}' | roles.r.session_name: no {claim} placeholder
      session name bad literal    | '{server: {listen: 127.0.0.1:1}, roles: {r: {arn: "arn:aws:iam::123456789012:role/r", session_name: "svc {azp}"}}}' | roles.r.session_name: text outside {claim} placeholders may only hold letters, digits and _+=,.@-
      session name bad path       | '{server: {listen: 127.0.0.1:1}, credentials: {session_name: "{a..b}"}}' | credentials.session_name: expected a claim path
      session name empty braces   | '{server: {listen: 127.0.0.1:1}, credentials: {session_name: "x{}"}}' | credentials.session_name: expected a claim path between { and }
      """)
  void load_badFile_namesKeyAndFix(String caseName, String yaml, String expected) throws Exception {
    Path file = write(yaml.replace("\\n", "\n").replace("\\0", "\\u0000"));

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));

    assertTrue(e.getMessage().contains(expected), () -> caseName + ": got " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), "never the password: " + e.getMessage());
    if (!caseName.equals("missing tls file") && !caseName.equals("store password file missing")) {
      // offline skips only whether files are there
      ConfigException offline = assertThrows(ConfigException.class,
          () -> ConfigLoader.loadOffline(file), caseName);
      assertEquals(e.getMessage(), offline.getMessage(), caseName);
    }
  }

  @Test
  void revocation_defaultsToAFileBesideTheConfig() throws Exception {
    Path file = write("{server: {listen: 127.0.0.1:1}, roles: {r: {arn: \"arn:aws:iam::123456789012:role/r\","
        + " revoke_in_aws: true}}}");
    BrokerConfig config = ConfigLoader.load(file);
    assertEquals(file.toAbsolutePath().resolveSibling("revocations.jsonl"),
        config.revocation().file());
    assertEquals(java.time.Duration.ofSeconds(5), config.revocation().pollInterval());
    assertEquals(java.time.Duration.ofMinutes(1), config.revocation().failClosedAfter());
    assertTrue(config.roles().get("r").revokeInAws());
  }

  @Test
  void loadOffline_tlsFilesNotOnThisMachine_acceptedWithTheirPaths_whileLoadRefuses()
      throws Exception {
    Path file = write("""
        server:
          listen: 0.0.0.0:8443
          tls: { cert: /etc/credbroker/tls.crt, key: tls.key, client_ca: clients.pem }
        roles:
          deployer: { arn: "arn:aws:iam::123456789012:role/deployer" }
        rules:
          - { id: deployers, when: { claims: { groups: { contains: deployers } } }, roles: [deployer] }
        """);

    ConfigException refused = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertTrue(refused.getMessage().startsWith("server.tls.cert: file not found: "),
        refused.getMessage());

    BrokerConfig offline = ConfigLoader.loadOffline(file);
    TlsConfig tls = offline.server().tls().orElseThrow();
    assertAll(
        () -> assertEquals(Path.of("/etc/credbroker/tls.crt"), tls.certChain()),
        () -> assertEquals(dir.resolve("tls.key"), tls.privateKey()),
        () -> assertEquals(Optional.of(dir.resolve("clients.pem")), tls.clientCa()),
        () -> assertEquals(Set.of("deployer"), offline.roles().keySet()),
        () -> assertEquals("deployers", offline.rules().get(0).id()));
  }

  @Test
  void load_auditStore_bindsEveryKey_andOfflineNeedsNoPasswordFile() throws Exception {
    Path file = write("""
        server: {listen: 127.0.0.1:1}
        audit:
          file: audit.jsonl
          broker_id: broker-1
          store:
            retention: 400d
            batch_size: 200
            ship_interval: 2s
            postgres:
              url: jdbc:postgresql://db.example.com:5432/credbroker
              user: broker
              password_file: /etc/credbroker/db-password
              pool_size: 8
              migrate: false
        """);
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage()
        .startsWith("audit.store.postgres.password_file: file not found"));
    StoreConfig store = ConfigLoader.loadOffline(file).audit().orElseThrow().store().orElseThrow();
    assertEquals(new StoreConfig(new StoreConfig.Postgres(
        "jdbc:postgresql://db.example.com:5432/credbroker", "broker",
        Optional.of(Path.of("/etc/credbroker/db-password")), 8, false),
        Optional.of(java.time.Duration.ofDays(400)), 200, java.time.Duration.ofSeconds(2)), store);
    Path defaults = write("{server: {listen: 127.0.0.1:1}, audit: {file: a.jsonl, store: {postgres:"
        + " {url: 'jdbc:postgresql://h/db', user: u}}}}");
    StoreConfig d = ConfigLoader.load(defaults).audit().orElseThrow().store().orElseThrow();
    assertEquals(List.of(4, true, Optional.empty(), 500, java.time.Duration.ofSeconds(1)),
        List.of(d.postgres().poolSize(), d.postgres().migrate(), d.retention(), d.batchSize(),
            d.shipInterval()));
  }

  @Test
  void load_missingFile_saysSoAndHowToFix() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(dir.resolve("absent.yaml")));
    assertTrue(e.getMessage().startsWith("config file not found: "), e.getMessage());
    assertTrue(e.getMessage().contains("--config"), e.getMessage());
  }

  @Test
  void load_binaryFile_isRejectedAsNotUtf8() throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertTrue(e.getMessage().contains("is not UTF-8 text"), e.getMessage());
  }

  @Test
  void load_hugeFile_isRejectedBeforeParsing() throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.write(file, new byte[ConfigLoader.MAX_FILE_BYTES + 1]);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertTrue(e.getMessage().contains("larger than 4 MiB"), e.getMessage());
  }

  @Test
  void load_billionLaughs_isRefused() throws Exception {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 30; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1)
          .append(", *a").append(i - 1).append(", *a").append(i - 1).append("]\n");
    }
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write(yaml.toString())));
    assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }
}
