package dev.credbroker.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.SecretRequest;
import dev.credbroker.client.SecretValue;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code credbroker get-secret NAME}: the secret's value on stdout, text followed by a newline,
 * binary as raw bytes; {@code --field KEY} prints one top-level field of a JSON secret. Nothing
 * else goes to stdout, so {@code $(credbroker get-secret db --field password)} is safe.
 */
final class GetSecretCommand {
  static final Set<String> VALUED = Set.of("version-id", "version-stage", "field");
  static final Set<String> SWITCHES = Set.of("force-refresh");

  private GetSecretCommand() {}

  static int run(List<String> args, Io io) throws Exception {
    if (args.isEmpty() || args.get(0).startsWith("--")) {
      throw new CliOptions.UsageException("get-secret needs the secret's name first: get-secret NAME [OPTIONS]");
    }
    CliOptions o = ClientFactory.options(args.subList(1, args.size()), VALUED, SWITCHES, io.env());
    SecretRequest request = SecretRequest.of(args.get(0));
    if (o.get("version-id").isPresent() && o.get("version-stage").isPresent()) {
      throw new CliOptions.UsageException("give --version-id or --version-stage, not both");
    }
    request = o.get("version-id").map(request::withVersionId).orElse(request);
    request = o.get("version-stage").map(request::withVersionStage).orElse(request);
    if (o.isSet("force-refresh")) {
      request = request.withForceRefresh();
    }
    SecretValue value;
    try (BrokerClient client = ClientFactory.create(o)) {
      value = client.getSecretValue(request);
    }
    if (o.get("field").isPresent()) {
      io.out().println(field(value, o.get("field").get()));
    } else if (value.isBinary()) {
      io.out().write(value.secretBinary());
    } else {
      io.out().println(value.secretString());
    }
    io.out().flush();
    return CredbrokerCli.EXIT_OK;
  }

  private static String field(SecretValue value, String name) throws CliOptions.UsageException {
    Map<String, Object> json;
    try {
      json = value.isBinary() ? null : JSONObjectUtils.parse(value.secretString());
    } catch (java.text.ParseException e) {
      json = null;
    }
    if (json == null) {
      throw new CliOptions.UsageException("--field needs a secret holding a JSON object; '"
          + value.secret() + "' does not");
    }
    Object v = json.get(name);
    if (v == null) {
      throw new CliOptions.UsageException("secret '" + value.secret() + "' has no field '"
          + CliOptions.abbreviate(name) + "'");
    }
    return v instanceof String s ? s : JsonOutput.compact(v);
  }
}
