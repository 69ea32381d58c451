package dev.credbroker.cli;

import com.google.protobuf.Timestamp;
import dev.credbroker.proto.v1.AdminServiceGrpc;
import dev.credbroker.proto.v1.AwsRevocation;
import dev.credbroker.proto.v1.ListRevocationsRequest;
import dev.credbroker.proto.v1.Revocation;
import dev.credbroker.proto.v1.RevokeRequest;
import dev.credbroker.proto.v1.RevokeResponse;
import dev.credbroker.proto.v1.SubjectTarget;
import dev.credbroker.proto.v1.UnrevokeRequest;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code credbroker revoke}, {@code revocations} and {@code unrevoke}: targeted revocation
 * through the broker's AdminService (the admin entitlement), for the incident runbook in
 * docs/revocation.md.
 */
final class RevokeCommand {
  private static final Set<String> TARGETS = Set.of("subject", "target-client-id", "token-hash",
      "source-identity");
  private static final Set<String> REVOKE_VALUED = Set.of("subject", "issuer",
      "target-client-id", "token-hash", "source-identity", "roles", "secrets", "before", "reason",
      "expires-after", "format");
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private RevokeCommand() {}

  static int revoke(List<String> args, Io io) throws Exception {
    CliOptions o = ClientFactory.options(args, REVOKE_VALUED, Set.of("all-tokens"), io.env());
    RevokeRequest request = request(o, io.clock().instant());
    boolean json = json(o);
    try (BrokerConnection broker = BrokerConnection.open(o)) {
      RevokeResponse r;
      try {
        r = stub(broker).revoke(request);
      } catch (StatusRuntimeException e) {
        throw broker.failure(e, DEADLINE);
      }
      if (json) {
        Map<String, Object> out = map(r.getRevocation());
        List<Object> aws = new ArrayList<>();
        for (AwsRevocation a : r.getAwsList()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("role", a.getRole());
          m.put("applied", a.getApplied());
          m.put("detail", a.getDetail());
          aws.add(m);
        }
        out.put("aws", aws);
        io.out().println(JsonOutput.pretty(out));
      } else {
        io.out().println(Table.printable("revoked: " + r.getRevocation().getId() + " ("
            + target(r.getRevocation()) + ", tokens issued before "
            + instant(r.getRevocation().getBefore()) + ")"));
        for (AwsRevocation a : r.getAwsList()) {
          io.out().println(Table.printable("  IAM, role " + a.getRole() + ": " + (a.getApplied()
              ? "earlier sessions denied" : "not applied: " + a.getDetail())));
        }
      }
      return CredbrokerCli.EXIT_OK;
    }
  }

  static int list(List<String> args, Io io) throws Exception {
    CliOptions o = ClientFactory.options(args, Set.of("format"), Set.of(), io.env());
    boolean json = json(o);
    try (BrokerConnection broker = BrokerConnection.open(o)) {
      List<Revocation> all;
      try {
        all = stub(broker).listRevocations(ListRevocationsRequest.getDefaultInstance())
            .getRevocationsList();
      } catch (StatusRuntimeException e) {
        throw broker.failure(e, DEADLINE);
      }
      if (json) {
        io.out().println(JsonOutput.pretty(all.stream().map(RevokeCommand::map).toList()));
      } else {
        List<String[]> rows = new ArrayList<>();
        for (Revocation r : all) {
          rows.add(new String[] {r.getId(), target(r), scope(r), instant(r.getBefore())
              + (r.getAllTokens() ? " (all tokens)" : ""),
              r.hasExpires() ? instant(r.getExpires()) : "until withdrawn", r.getReason()});
        }
        Table.print(io.out(), List.of("ID", "TARGET", "SCOPE", "BEFORE", "EXPIRES", "REASON"),
            rows);
      }
      return CredbrokerCli.EXIT_OK;
    }
  }

  static int unrevoke(List<String> args, Io io) throws Exception {
    if (args.isEmpty() || args.get(0).startsWith("--")) {
      throw new CliOptions.UsageException("unrevoke needs the revocation's id first: unrevoke ID"
          + " (credbroker revocations lists them)");
    }
    CliOptions o = ClientFactory.options(args.subList(1, args.size()), Set.of(), Set.of(),
        io.env());
    try (BrokerConnection broker = BrokerConnection.open(o)) {
      Revocation r;
      try {
        r = stub(broker).unrevoke(UnrevokeRequest.newBuilder().setId(args.get(0)).build())
            .getRevocation();
      } catch (StatusRuntimeException e) {
        throw broker.failure(e, DEADLINE);
      }
      io.out().println(Table.printable("withdrawn: " + r.getId() + " (" + target(r) + ")"));
      return CredbrokerCli.EXIT_OK;
    }
  }

  private static AdminServiceGrpc.AdminServiceBlockingStub stub(BrokerConnection broker) {
    return AdminServiceGrpc.newBlockingStub(broker.channel()).withCallCredentials(broker.token())
        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static RevokeRequest request(CliOptions o, Instant now)
      throws CliOptions.UsageException {
    List<String> given = TARGETS.stream().filter(t -> o.get(t).isPresent()).sorted().toList();
    if (given.size() != 1) {
      throw new CliOptions.UsageException("name exactly one target: --subject S --issuer I,"
          + " --target-client-id C, --token-hash H or --source-identity S"
          + (given.isEmpty() ? "" : " (got --" + String.join(", --", given) + ")"));
    }
    RevokeRequest.Builder b = RevokeRequest.newBuilder();
    switch (given.get(0)) {
      case "subject" -> b.setSubject(SubjectTarget.newBuilder().setSubject(o.get("subject").get())
          .setIssuer(o.get("issuer").orElseThrow(() -> new CliOptions.UsageException(
              "--subject needs --issuer (a subject is unique only within its identity provider)"))));
      case "target-client-id" -> b.setClientId(o.get("target-client-id").get());
      case "token-hash" -> b.setTokenHash(o.get("token-hash").get());
      default -> b.setSourceIdentity(o.get("source-identity").get());
    }
    if (o.get("issuer").isPresent() && !given.get(0).equals("subject")) {
      throw new CliOptions.UsageException("--issuer goes with --subject only");
    }
    b.setReason(o.get("reason").orElseThrow(() -> new CliOptions.UsageException(
        "--reason is required (an incident or ticket reference)")));
    o.get("roles").ifPresent(r -> b.addAllRoles(list(r)));
    o.get("secrets").ifPresent(s -> b.addAllSecrets(list(s)));
    b.setAllTokens(o.isSet("all-tokens"));
    if (o.get("before").isPresent()) {
      b.setBefore(timestamp(time(o.get("before").get(), now, "--before")));
    }
    if (o.get("expires-after").isPresent()) {
      Duration d;
      try {
        d = DurationText.parse(o.get("expires-after").get());
      } catch (IllegalArgumentException e) {
        throw new CliOptions.UsageException("--expires-after is a duration like 12h or 7d");
      }
      b.setExpiresAfter(com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds())
          .setNanos(d.getNano()));
    }
    return b.build();
  }

  /** A time, or a duration back from now ({@code 30m}: half an hour ago). */
  private static Instant time(String text, Instant now, String flag)
      throws CliOptions.UsageException {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notATime) {
      try {
        return now.minus(DurationText.parse(text));
      } catch (IllegalArgumentException notADuration) {
        throw new CliOptions.UsageException(flag + " is a time like 2026-11-30T15:00:00Z or a"
            + " duration back from now like 30m");
      }
    }
  }

  private static boolean json(CliOptions o) throws CliOptions.UsageException {
    String format = o.get("format").orElse("table");
    if (!format.equals("table") && !format.equals("json")) {
      throw new CliOptions.UsageException("--format is table or json");
    }
    return format.equals("json");
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
  }

  private static Map<String, Object> map(Revocation r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.getId());
    Map<String, Object> target = new LinkedHashMap<>();
    switch (r.getTargetCase()) {
      case SUBJECT -> {
        target.put("issuer", r.getSubject().getIssuer());
        target.put("subject", r.getSubject().getSubject());
      }
      case CLIENT_ID -> target.put("client_id", r.getClientId());
      case TOKEN_HASH -> target.put("token_hash", r.getTokenHash());
      case SOURCE_IDENTITY -> target.put("source_identity", r.getSourceIdentity());
      case TARGET_NOT_SET -> { }
    }
    m.put("target", target);
    m.put("roles", r.getRolesList());
    m.put("secrets", r.getSecretsList());
    m.put("before", instant(r.getBefore()));
    m.put("all_tokens", r.getAllTokens());
    m.put("reason", r.getReason());
    m.put("revoked_by", r.getRevokedBy());
    m.put("created", instant(r.getCreated()));
    if (r.hasExpires()) {
      m.put("expires", instant(r.getExpires()));
    }
    return m;
  }

  private static String target(Revocation r) {
    return switch (r.getTargetCase()) {
      case SUBJECT -> "subject " + r.getSubject().getSubject() + " of " + r.getSubject().getIssuer();
      case CLIENT_ID -> "client id " + r.getClientId();
      case TOKEN_HASH -> "token " + r.getTokenHash();
      case SOURCE_IDENTITY -> "source identity " + r.getSourceIdentity();
      case TARGET_NOT_SET -> "?";
    };
  }

  private static String scope(Revocation r) {
    if (r.getRolesCount() == 0 && r.getSecretsCount() == 0) {
      return "everything";
    }
    List<String> parts = new ArrayList<>();
    r.getRolesList().forEach(x -> parts.add("role " + x));
    r.getSecretsList().forEach(x -> parts.add("secret " + x));
    return String.join(", ", parts);
  }

  private static String instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
