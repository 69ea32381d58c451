package dev.credbroker.client;

import dev.credbroker.client.internal.BearerCallCredentials;
import dev.credbroker.client.internal.BrokerChannels;
import dev.credbroker.client.internal.Checks;
import dev.credbroker.client.internal.ProtoConversions;
import dev.credbroker.client.internal.RequestLimits;
import dev.credbroker.client.internal.Statuses;
import dev.credbroker.client.internal.Targets;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.ListEntitlementsRequest;
import dev.credbroker.proto.v1.WhoAmIRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A connection to the credential broker (one or many replicas) that sends the caller's bearer
 * token with every call. Thread-safe; create one per application and {@link #close()} it at
 * shutdown. Every method blocks for at most the configured deadline, retries included, and throws
 * {@link BrokerException} on failure.
 *
 * <pre>{@code
 * BrokerClient broker = BrokerClient.builder()
 *     .target("dns:///credbroker.internal:8443")
 *     .tokenSource(TokenSource.fromFile(Path.of("/var/run/secrets/tokens/credbroker")))
 *     .build();
 * }</pre>
 */
public final class BrokerClient implements AutoCloseable {
  private final String target;
  private final ManagedChannel channel;
  private final CredentialBrokerGrpc.CredentialBrokerBlockingStub stub;
  private final Duration deadline;

  private BrokerClient(String target, ManagedChannel channel, TokenSource tokens, Duration deadline) {
    this.target = target;
    this.channel = channel;
    this.stub = CredentialBrokerGrpc.newBlockingStub(channel)
        .withCallCredentials(new BearerCallCredentials(tokens));
    this.deadline = deadline;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Credentials for the role alias, with the role's default session length. */
  public SessionCredentials getAwsCredentials(String role) {
    return getAwsCredentials(role, Optional.empty());
  }

  /**
   * Credentials for the role alias with a requested session length (at least 15 minutes, the STS
   * minimum); the broker caps it at what the caller's grant and the role allow.
   */
  public SessionCredentials getAwsCredentials(String role, Optional<Duration> duration) {
    RequestLimits.requireAlias(role, "role");
    GetAwsCredentialsRequest.Builder request = GetAwsCredentialsRequest.newBuilder().setRole(role);
    duration.map(RequestLimits::requireSession).ifPresent(d ->
        request.setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds())));
    return call(s -> ProtoConversions.credentials(s.getAwsCredentials(request.build())));
  }

  /** The current version of the secret with this alias. */
  public SecretValue getSecretValue(String secret) {
    return getSecretValue(SecretRequest.of(secret));
  }

  public SecretValue getSecretValue(SecretRequest request) {
    RequestLimits.requireAlias(request.secret(), "secret");
    GetSecretValueRequest.Builder r = GetSecretValueRequest.newBuilder()
        .setSecret(request.secret()).setForceRefresh(request.forceRefresh());
    request.versionId().ifPresent(r::setVersionId);
    request.versionStage().ifPresent(r::setVersionStage);
    return call(s -> ProtoConversions.secret(s.getSecretValue(r.build())));
  }

  /** The roles and secrets this caller may request now. */
  public Entitlements listEntitlements() {
    return call(s -> ProtoConversions.entitlements(
        s.listEntitlements(ListEntitlementsRequest.getDefaultInstance())));
  }

  /** What the broker sees in this caller's token. */
  public Identity whoAmI() {
    return call(s -> ProtoConversions.identity(s.whoAmI(WhoAmIRequest.getDefaultInstance())));
  }

  public String target() {
    return target;
  }

  /** The deadline of each call, retries included. */
  public Duration deadline() {
    return deadline;
  }

  /** Stops the channel; calls in flight are cancelled after a short grace. */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
        channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "BrokerClient[" + target + "]";
  }

  /**
   * Runs one call. After an outage gRPC waits out its own reconnect backoff (growing to two
   * minutes) and fails calls fast until then. Broker calls are rare and their callers back off
   * already, so a call in that state first reconnects (within its deadline): a restarted broker
   * is seen on the next attempt, not minutes later.
   */
  private <T> T call(Function<CredentialBrokerGrpc.CredentialBrokerBlockingStub, T> rpc) {
    Deadline end = Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
    try {
      BrokerChannels.reconnectIfFailed(channel, end);
      return rpc.apply(stub.withDeadline(end));
    } catch (StatusRuntimeException e) {
      throw Statuses.exception(e, target, channel.getState(false), deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException(BrokerException.Reason.OTHER, "interrupted", e);
    }
  }


  /**
   * How to reach the broker. Required: {@link #target} and {@link #tokenSource}. TLS is the
   * default; {@link #plaintext()} is accepted only for a loopback target, because the bearer
   * token would otherwise cross the network in the clear. Each setting may be given once.
   */
  public static final class Builder {
    private String target;
    private TokenSource tokens;
    private Path trusted;
    private Path certChain;
    private Path privateKey;
    private Boolean plaintext;
    private Duration deadline;
    private Integer maxAttempts;

    private Builder() {}

    /** {@code host:port}, {@code [v6]:port}, or {@code dns:///host:port} for round-robin over replicas. */
    public Builder target(String value) {
      target = once(target, Objects.requireNonNull(value, "target"), "target");
      return this;
    }

    public Builder tokenSource(TokenSource source) {
      tokens = once(tokens, Objects.requireNonNull(source, "source"), "tokenSource");
      return this;
    }

    /** PEM file of the CA(s) that signed the broker's certificate; default: the JVM's trust store. */
    public Builder trustedCertificates(Path caPem) {
      trusted = once(trusted, Objects.requireNonNull(caPem, "caPem"), "trustedCertificates");
      return this;
    }

    /** mTLS: the client certificate chain and its PKCS#8 private key, both PEM. */
    public Builder clientCertificate(Path chainPem, Path keyPem) {
      certChain = once(certChain, Objects.requireNonNull(chainPem, "chainPem"), "clientCertificate");
      privateKey = Objects.requireNonNull(keyPem, "keyPem");
      return this;
    }

    /** No TLS; only for a broker on this machine (a loopback target). */
    public Builder plaintext() {
      plaintext = once(plaintext, Boolean.TRUE, "plaintext");
      return this;
    }

    /** Deadline of each call, retries included (default 10 seconds). */
    public Builder deadline(Duration d) {
      deadline = once(deadline, Checks.positive(d, "deadline"), "deadline");
      return this;
    }

    /** Attempts per call when the broker answers UNAVAILABLE (default 4, 1 disables retries, at most 5). */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > BrokerChannels.MAX_ATTEMPTS) {
        throw new IllegalArgumentException("maxAttempts must be 1 to " + BrokerChannels.MAX_ATTEMPTS
            + ", got " + attempts);
      }
      maxAttempts = once(maxAttempts, attempts, "maxAttempts");
      return this;
    }

    /**
     * Opens the channel (connections are made lazily, on the first call).
     *
     * @throws IllegalStateException a required setting is missing or settings contradict
     * @throws IllegalArgumentException plaintext to a non-loopback target
     * @throws UncheckedIOException a certificate or key file cannot be read
     */
    public BrokerClient build() {
      if (target == null || tokens == null) {
        throw new IllegalStateException("target and tokenSource are required");
      }
      boolean clear = Boolean.TRUE.equals(plaintext);
      if (clear && (trusted != null || certChain != null)) {
        throw new IllegalStateException("plaintext cannot be combined with TLS settings");
      }
      if (clear && !Targets.isLoopback(target)) {
        throw new IllegalArgumentException("plaintext is allowed only for a loopback target;"
            + " use TLS for " + Targets.abbreviate(target));
      }
      ChannelCredentials credentials;
      try {
        credentials = clear ? BrokerChannels.plaintext() : BrokerChannels.tls(
            Optional.ofNullable(trusted), Optional.ofNullable(certChain), Optional.ofNullable(privateKey));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the TLS certificates or key: " + e.getMessage(), e);
      }
      ManagedChannel channel = BrokerChannels.open(target, credentials, maxAttempts == null ? 4 : maxAttempts);
      return new BrokerClient(target, channel, tokens, deadline == null ? Duration.ofSeconds(10) : deadline);
    }

    private static <T> T once(T current, T value, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " is already set");
      }
      return value;
    }
  }
}
