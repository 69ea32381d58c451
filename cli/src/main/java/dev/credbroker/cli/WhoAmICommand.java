package dev.credbroker.cli;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.Entitlements;
import dev.credbroker.client.Identity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code credbroker whoami} (what the broker sees in the caller's token) and
 * {@code credbroker entitlements} (the roles and secrets the caller may request now), as JSON.
 */
final class WhoAmICommand {
  private WhoAmICommand() {}

  static int whoami(List<String> args, Io io) throws Exception {
    try (BrokerClient client = ClientFactory.create(ClientFactory.options(args, Set.of(), Set.of(), io.env()))) {
      Identity me = client.whoAmI();
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("issuer", me.issuer());
      json.put("subject", me.subject());
      json.put("expiration", me.expiration().toString());
      me.issuedAt().ifPresent(t -> json.put("issuedAt", t.toString()));
      json.put("audiences", me.audiences());
      json.put("claims", me.claims());
      json.put("peerAddress", me.peerAddress());
      io.out().println(JsonOutput.pretty(json));
      return CredbrokerCli.EXIT_OK;
    }
  }

  static int entitlements(List<String> args, Io io) throws Exception {
    try (BrokerClient client = ClientFactory.create(ClientFactory.options(args, Set.of(), Set.of(), io.env()))) {
      Entitlements e = client.listEntitlements();
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("roles", e.roles().stream().map(r -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", r.role());
        m.put("roleArn", r.roleArn());
        m.put("maxDuration", r.maxDuration().toSeconds() + "s");
        m.put("ruleIds", r.ruleIds());
        return m;
      }).toList());
      json.put("secrets", e.secrets().stream().map(s -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("secret", s.secret());
        m.put("secretId", s.secretId());
        m.put("ruleIds", s.ruleIds());
        return m;
      }).toList());
      io.out().println(JsonOutput.pretty(json));
      return CredbrokerCli.EXIT_OK;
    }
  }
}
