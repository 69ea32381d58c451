package com.example;

import com.google.protobuf.Timestamp;
import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.provider.BrokerCredentialsProvider;
import dev.credbroker.client.token.TokenSource;
import java.nio.file.Path;
import java.time.Instant;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Asks AWS who it is, with credentials from the credential broker.
 *
 * <p>Settings from the environment: {@code CREDBROKER_TARGET} (host:port or dns:///host:port),
 * {@code CREDBROKER_TOKEN_FILE} (the caller's OIDC token, e.g. a Kubernetes projected token),
 * {@code CREDBROKER_ROLE} (the role alias), {@code CREDBROKER_CA_FILE} (the broker's CA; without
 * it, plaintext, which the library allows to a loopback broker only). The AWS SDK reads
 * {@code AWS_REGION} and, for a test endpoint, {@code AWS_ENDPOINT_URL_STS}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    BrokerClient.Builder connection = BrokerClient.builder()
        .target(env("CREDBROKER_TARGET"))
        .tokenSource(TokenSource.fromFile(Path.of(env("CREDBROKER_TOKEN_FILE"))));
    String ca = System.getenv("CREDBROKER_CA_FILE");
    if (ca != null) {
      connection.trustedCertificates(Path.of(ca));
    } else {
      connection.plaintext();
    }

    // The application owns the client and the provider; SDK clients only borrow the provider.
    try (BrokerClient broker = connection.build();
        BrokerCredentialsProvider credentials = BrokerCredentialsProvider.builder()
            .client(broker).role(env("CREDBROKER_ROLE")).build();
        StsClient sts = StsClient.builder().credentialsProvider(credentials).build()) {
      credentials.resolveCredentials(); // at startup: a wrong role or token fails here, at once

      System.out.println("caller: " + sts.getCallerIdentity().arn());
      // The service's own protobuf (3.25) works beside the broker client's relocated copy.
      Timestamp now = Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
      System.out.println("protobuf: " + Timestamp.class.getName() + " " + now.getSeconds());
    }
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set");
    }
    return value;
  }
}
