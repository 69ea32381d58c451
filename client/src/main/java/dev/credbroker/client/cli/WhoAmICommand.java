package dev.credbroker.client.cli;

import com.google.protobuf.util.JsonFormat;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.WhoAmIRequest;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** {@code credbroker whoami}: what the broker sees in the caller's token, as JSON. */
final class WhoAmICommand {
  static final Set<String> VALUED = Set.of("target", "ca-file", "token-file", "timeout");
  static final Set<String> SWITCHES = Set.of("plaintext");

  private WhoAmICommand() {}

  static int run(List<String> args, Map<String, String> env, PrintStream out) throws Exception {
    CliOptions options = CliOptions.parse(args, VALUED, SWITCHES, env);
    try (BrokerConnection broker = BrokerConnection.open(options)) {
      var response = CredentialBrokerGrpc.newBlockingStub(broker.channel())
          .withCallCredentials(broker.token())
          .withDeadlineAfter(Long.parseLong(options.get("timeout").orElse("10")), TimeUnit.SECONDS)
          .whoAmI(WhoAmIRequest.getDefaultInstance());
      out.println(JsonFormat.printer().print(response));
      return CredbrokerCli.EXIT_OK;
    }
  }
}
