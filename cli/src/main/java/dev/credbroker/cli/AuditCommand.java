package dev.credbroker.cli;

import com.google.protobuf.util.Timestamps;
import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.AuditQuery;
import dev.credbroker.core.audit.AuditSearch;
import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.proto.v1.AuditRecord;
import dev.credbroker.proto.v1.AuditServiceGrpc;
import dev.credbroker.proto.v1.Decision;
import dev.credbroker.proto.v1.SearchAuditRequest;
import dev.credbroker.store.StoreVerifier;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code credbroker audit verify | search}: the security reviewer's tools. {@code verify} checks
 * files against their hash chain; {@code search} reads the files of a local log ({@code --file})
 * or asks a broker's AuditService (needs the auditor entitlement). Exit codes: 0 intact / found,
 * 1 the chain is broken, 2 bad usage.
 */
final class AuditCommand {
  static final int EXIT_BROKEN = 1;
  private static final Set<String> FILTERS = filters();
  /** The caller digest every session name ends with (CallerDigest: 16 hex digits). */
  private static final java.util.regex.Pattern DIGEST_SUFFIX =
      java.util.regex.Pattern.compile("\\.[0-9a-f]{16}$");

  private AuditCommand() {}

  private static Set<String> filters() {
    Set<String> names = new HashSet<>(Set.of("since", "until", "decision", "limit", "format",
        "after"));
    for (AuditQuery.Field f : AuditQuery.Field.values()) {
      names.add(flag(f));
    }
    return Set.copyOf(names);
  }

  /** The flag of a filter: its field's name with dashes ({@code --access-key-id}). */
  static String flag(AuditQuery.Field f) {
    return f.column().replace('_', '-');
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, Clock clock)
      throws Exception {
    if (args.isEmpty()) {
      throw new CliOptions.UsageException("audit needs verify or search");
    }
    List<String> rest = args.subList(1, args.size());
    return switch (args.get(0)) {
      case "verify" -> verify(rest, env, out);
      case "search" -> search(rest, env, out, clock);
      default -> throw new CliOptions.UsageException("unknown audit command '"
          + CliOptions.abbreviate(args.get(0)) + "'; use verify or search");
    };
  }

  private static int verify(List<String> args, Map<String, String> env, PrintStream out)
      throws Exception {
    List<Path> files = new ArrayList<>();
    List<java.security.PublicKey> keys = new ArrayList<>();
    Optional<AuditVerifier.Head> head = Optional.empty();
    Optional<String> brokerId = Optional.empty();
    List<String> storeArgs = new ArrayList<>();
    boolean store = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.startsWith("--") ? arg.substring(2) : "";
      if (arg.equals("--store")) {
        store = true;
      } else if (Set.of("public-key", "expect-head", "broker-id").contains(name)
          || StoreAccess.VALUED.contains(name)) {
        if (i + 1 >= args.size()) {
          throw new CliOptions.UsageException(arg + " needs a value");
        }
        String value = args.get(++i);
        switch (name) {
          case "public-key" -> keys.add(readKey(value));
          case "expect-head" -> head = Optional.of(parseHead(value));
          case "broker-id" -> brokerId = Optional.of(value);
          default -> storeArgs.addAll(List.of(arg, value));
        }
      } else if (arg.startsWith("--")) {
        throw new CliOptions.UsageException("unknown option '" + CliOptions.abbreviate(arg)
            + "'; audit verify takes --public-key FILE, --expect-head SEQ:HASH, --store (with"
            + " --store-url, --store-user, --store-password-file, --broker-id) and the files");
      } else {
        files.add(Path.of(arg));
      }
    }
    if (!store) {
      if (files.isEmpty()) {
        throw new CliOptions.UsageException("audit verify takes the audit files to check, e.g."
            + " /var/log/credbroker/audit*.jsonl (or --store)");
      }
      if (keys.size() > 1) {
        throw new CliOptions.UsageException("--public-key once for files: they are one broker's");
      }
      return printFiles(AuditVerifier.verify(files, new AuditVerifier.Options(
          keys.stream().findFirst(), head)), files, !keys.isEmpty(), out);
    }
    if (!files.isEmpty() && brokerId.isEmpty()) {
      throw new CliOptions.UsageException("files with --store need --broker-id: whose head in"
          + " the store the files must reach");
    }
    CliOptions o = CliOptions.parse(storeArgs, StoreAccess.VALUED, Set.of(), env);
    try (java.sql.Connection c = StoreAccess.open(o)) {
      int exit = CredbrokerCli.EXIT_OK;
      for (StoreVerifier.BrokerReport r : StoreVerifier.verify(c, brokerId, keys)) {
        exit = Math.max(exit, printStore(r, !keys.isEmpty(), out));
      }
      if (!files.isEmpty()) {
        Optional<AuditVerifier.Head> stored = StoreVerifier.head(c, brokerId.get());
        out.println("local files of " + brokerId.get() + stored.map(h -> ", which must reach the"
            + " store's head seq " + h.seq()).orElse(" (the store holds nothing of it)") + ":");
        exit = Math.max(exit, printFiles(AuditVerifier.verify(files, new AuditVerifier.Options(
            keys.stream().findFirst(), stored)), files,
            !keys.isEmpty(), out));
      }
      return exit;
    }
  }

  private static int printStore(StoreVerifier.BrokerReport r, boolean signed, PrintStream out) {
    if (r.mismatchedRows() == 0 || !r.report().ok()) {
      int exit = print(r.report(), r.brokerId(), "in the store", signed, out);
      if (r.mismatchedRows() == 0) {
        return exit;
      }
    } else {
      out.println("BROKEN " + r.brokerId() + ": the chain verified (" + r.report().verified()
          + " records) but " + r.mismatchedRows() + " rows' searchable columns differ from"
          + " their records: the columns were edited and searches on them mislead");
    }
    for (StoreVerifier.ColumnMismatch m : r.columns()) {
      out.println("  store/" + r.brokerId() + " seq " + m.seq() + ": column " + m.column()
          + " holds " + shown(m.stored()) + ", its record says " + shown(m.fromRecord()));
    }
    if (r.mismatchedRows() > r.columns().size()) {
      out.println("  ... and " + (r.mismatchedRows() - r.columns().size()) + " more rows");
    }
    return EXIT_BROKEN;
  }

  /** A stored value as a JSON string, cut: someone chose it, and it goes to a terminal. */
  private static String shown(String value) {
    StringBuilder text = new StringBuilder();
    dev.credbroker.core.text.JsonText.quote(text, value.length() > 80
        ? value.substring(0, 80) + "..." : value);
    return text.toString();
  }

  private static int printFiles(AuditVerifier.Report report, List<Path> files, boolean signed,
      PrintStream out) {
    return print(report, "", "in " + files.size() + " files", signed, out);
  }

  /** One chain's verdict; {@code broker} names it when several are checked. */
  private static int print(AuditVerifier.Report report, String broker, String where,
      boolean signed, PrintStream out) {
    String who = broker.isEmpty() ? "" : broker + ": ";
    report.notes().forEach(n -> out.println("note: " + who + n));
    if (report.problem().isPresent()) {
      out.println("BROKEN " + (broker.isEmpty() ? "" : broker + " ") + "at "
          + report.problem().get());
      out.println(report.verified() + " records verified before it");
      return EXIT_BROKEN;
    }
    out.println("OK" + (broker.isEmpty() ? ":" : " " + broker + ":") + " " + report.verified()
        + " records verified (seq " + report.firstSeq() + " to " + report.lastSeq() + ") "
        + where + (signed ? "; " + report.checkpoints() + " checkpoint signatures verified" : "")
        + "; " + report.unsealed() + " records unsealed (after the last checkpoint)");
    return CredbrokerCli.EXIT_OK;
  }

  private static java.security.PublicKey readKey(String file) throws CliOptions.UsageException {
    try {
      return dev.credbroker.core.audit.AuditSigner.readPublicKey(Path.of(file));
    } catch (java.io.IOException e) {
      throw new CliOptions.UsageException("--public-key: " + e.getMessage());
    }
  }

  private static AuditVerifier.Head parseHead(String text) throws CliOptions.UsageException {
    try {
      return AuditVerifier.Head.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliOptions.UsageException("--expect-head: " + e.getMessage());
    }
  }

  private static int search(List<String> args, Map<String, String> env, PrintStream out,
      Clock clock) throws Exception {
    Set<String> valued = new HashSet<>(FILTERS);
    valued.add("file");
    valued.addAll(StoreAccess.VALUED);
    CliOptions o = ClientFactory.options(args, valued, Set.of("store"), env);
    String format = o.get("format").orElse("table");
    if (!Set.of("table", "json", "jsonl").contains(format)) {
      throw new CliOptions.UsageException("--format is table, json or jsonl");
    }
    boolean json = !format.equals("table");
    AuditQuery query = query(o, clock.instant());
    if (query.get(AuditQuery.Field.BROKER_ID).isPresent() && o.get("file").isPresent()) {
      throw new CliOptions.UsageException("--broker-id needs --store (or a broker with one): a"
          + " broker's own files do not name it in every record");
    }
    if (o.isSet("store") && o.get("file").isPresent()) {
      throw new CliOptions.UsageException("--store and --file are two places to search; give one");
    }
    List<String[]> rows = new ArrayList<>();
    JsonRecords printer = new JsonRecords(out, format.equals("json"));
    java.util.function.Predicate<AuditEntry> sink = e -> {
      if (json) {
        printer.print(e.json());
      } else {
        rows.add(row(e));
      }
      return true;
    };
    if (o.isSet("store")) {
      try (java.sql.Connection c = StoreAccess.open(o)) {
        dev.credbroker.store.StoreSearch.run(c, query, sink);
      }
    } else if (o.get("file").isPresent()) {
      AuditSearch.run(AuditFiles.segments(o.path("file").get()), query, sink);
    } else {
      try (BrokerConnection broker = BrokerConnection.open(o)) {
        long timeout = DurationText.timeout(o, "timeout", Duration.ofSeconds(60)).toMillis();
        try {
          AuditServiceGrpc.newBlockingStub(broker.channel()).withCallCredentials(broker.token())
              .withDeadlineAfter(timeout, TimeUnit.MILLISECONDS)
              .searchAudit(request(query)).forEachRemaining(r -> sink.test(entry(r)));
        } catch (io.grpc.StatusRuntimeException e) {
          throw broker.failure(e, java.time.Duration.ofMillis(timeout));
        }
      }
    }
    if (json) {
      printer.end();
    } else {
      Table.print(out, List.of("TIME", "DECISION", "RPC", "SUBJECT", "CLIENT", "NAME", "TARGET",
          "STATUS", "REASON"), rows);
    }
    return CredbrokerCli.EXIT_OK;
  }

  private static AuditQuery query(CliOptions o, Instant now) throws CliOptions.UsageException {
    Optional<AuditEvent.Decision> decision = Optional.empty();
    if (o.get("decision").isPresent()) {
      try {
        decision = Optional.of(AuditEvent.Decision.valueOf(o.get("decision").get()
            .toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new CliOptions.UsageException("--decision is allow, deny or error");
      }
    }
    int limit;
    try {
      limit = Integer.parseInt(o.get("limit").orElse("1000"));
      java.util.Map<AuditQuery.Field, String> equal = new java.util.EnumMap<>(
          AuditQuery.Field.class);
      for (AuditQuery.Field f : AuditQuery.Field.values()) {
        o.get(flag(f)).ifPresent(v -> equal.put(f, v));
      }
      return new AuditQuery(time(o, "since", now), time(o, "until", now), equal, decision,
          o.get("after"), limit);
    } catch (IllegalArgumentException e) {
      throw new CliOptions.UsageException("--limit is a number from 1 to " + AuditQuery.MAX_LIMIT);
    }
  }

  /** An RFC 3339 time, or a duration back from now such as {@code 24h} or {@code 90m}. */
  static Optional<Instant> time(CliOptions o, String flag, Instant now)
      throws CliOptions.UsageException {
    Optional<String> text = o.get(flag);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text.get()));
    } catch (DateTimeParseException notATime) {
      try {
        return Optional.of(now.minus(DurationText.parse(text.get())));
      } catch (IllegalArgumentException notADuration) {
        throw new CliOptions.UsageException("--" + flag + " is a time like 2026-11-24T10:00:00Z"
            + " or a duration back from now like 24h");
      }
    }
  }

  private static SearchAuditRequest request(AuditQuery q) {
    SearchAuditRequest.Builder b = SearchAuditRequest.newBuilder().setLimit(q.limit());
    q.since().ifPresent(t -> b.setSince(Timestamps.fromMillis(t.toEpochMilli())));
    q.until().ifPresent(t -> b.setUntil(Timestamps.fromMillis(t.toEpochMilli())));
    q.get(AuditQuery.Field.ISSUER).ifPresent(b::setIssuer);
    q.get(AuditQuery.Field.SUBJECT).ifPresent(b::setSubject);
    q.get(AuditQuery.Field.CLIENT_ID).ifPresent(b::setClientId);
    q.get(AuditQuery.Field.ROLE).ifPresent(b::setRole);
    q.get(AuditQuery.Field.SECRET).ifPresent(b::setSecret);
    q.get(AuditQuery.Field.RPC).ifPresent(b::setRpc);
    q.get(AuditQuery.Field.ACCESS_KEY_ID).ifPresent(b::setAccessKeyId);
    q.get(AuditQuery.Field.SESSION_NAME).ifPresent(b::setSessionName);
    q.get(AuditQuery.Field.SOURCE_IDENTITY).ifPresent(b::setSourceIdentity);
    q.get(AuditQuery.Field.REQUEST_ID).ifPresent(b::setRequestId);
    q.get(AuditQuery.Field.BROKER_ID).ifPresent(b::setBrokerId);
    q.afterRequestId().ifPresent(b::setAfterRequestId);
    q.decision().ifPresent(d -> b.setDecision(Decision.valueOf("DECISION_" + d.name())));
    return b.build();
  }

  private static String[] row(AuditEntry e) {
    return new String[] {e.field("time"), e.field("decision"), e.field("rpc"),
        subject(e), e.callerField("client_id"), readableName(e),
        target(e.field("role"), e.field("secret")), e.field("status"), e.field("reason")};
  }

  /**
   * The verified subject; for a refused token the subject it claimed, marked {@code
   * unverified:} so it is never read as who the caller was.
   */
  static String subject(AuditEntry e) {
    String claimed = e.object("unverified").get("subject") instanceof String s ? s : "";
    return !e.callerField("subject").isEmpty() || claimed.isEmpty() ? e.callerField("subject")
        : "unverified:" + claimed;
  }

  /**
   * The readable part of the session name issued (its {@code session_name} template, or the
   * subject), without the caller digest every name ends with.
   */
  static String readableName(AuditEntry e) {
    String name = AuditQuery.Field.SESSION_NAME.valueIn(e);
    return DIGEST_SUFFIX.matcher(name).replaceFirst("");
  }

  /**
   * A broker's record as the same entry a file or the store gives: its line as written, so every
   * source prints the same JSON and the same row.
   */
  static AuditEntry entry(AuditRecord r) {
    AuditEntry parsed = AuditEntry.parse(r.getRecord().getBytes(StandardCharsets.UTF_8))
        .orElseThrow(() -> io.grpc.Status.UNIMPLEMENTED.withDescription("the broker sent an audit"
            + " record without its line (a broker older than this CLI); search with --store or"
            + " --file, or upgrade the broker").asRuntimeException());
    return r.getBrokerId().isEmpty() ? parsed : parsed.with("broker_id", r.getBrokerId());
  }

  private static String target(String role, String secret) {
    return !role.isEmpty() ? "role " + role : !secret.isEmpty() ? "secret " + secret : "";
  }

}
