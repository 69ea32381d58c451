package dev.credbroker.server.aws;

import dev.credbroker.server.config.AwsConfig;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.Secret;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.PolicyDescriptorType;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * STS through the AWS SDK for Java v2: the SDK's standard retry mode retries throttling and 5xx
 * with jittered backoff, bounded by {@code aws.call_timeout}. AWS error codes become the few
 * kinds the broker acts on (STS API reference, "Errors" of AssumeRole).
 */
public final class SdkStsGateway implements StsGateway, AutoCloseable {
  private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException",
      "ExpiredToken", "InvalidClientTokenId", "SignatureDoesNotMatch");
  private static final Set<String> INVALID = Set.of("ValidationError", "MalformedPolicyDocument",
      "PackedPolicyTooLarge", "InvalidParameterValue", "InvalidIdentityToken", "IDPRejectedClaim");

  private final java.util.function.Supplier<StsClientBuilder> builder;
  private final java.time.Clock clock;
  private volatile StsClient sts;

  /** The client is built on first use, so a broker that vends nothing never needs AWS settings. */
  private SdkStsGateway(java.util.function.Supplier<StsClientBuilder> builder, java.time.Clock clock) {
    this.builder = builder;
    this.clock = clock;
  }

  private StsClient client() throws AwsCallException {
    StsClient c = sts;
    if (c == null) {
      synchronized (this) {
        if (sts == null) {
          try {
            sts = builder.get().build();
          } catch (SdkClientException e) {
            throw new AwsCallException(AwsCallException.Kind.INVALID, "",
                "cannot set up the STS client (" + e.getMessage() + "); set aws.region or AWS_REGION");
          }
        }
        c = sts;
      }
    }
    return c;
  }

  /** With the broker's own credentials from the AWS SDK default chain. */
  public static SdkStsGateway create(AwsConfig config, java.time.Clock clock) {
    return create(config, DefaultCredentialsProvider.builder().build(), clock);
  }

  public static SdkStsGateway create(AwsConfig config, AwsCredentialsProvider credentials,
      java.time.Clock clock) {
    return new SdkStsGateway(() -> {
      StsClientBuilder b = StsClient.builder()
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .credentialsProvider(credentials)
          .overrideConfiguration(o -> o.apiCallTimeout(config.callTimeout()));
      config.region().map(Region::of).ifPresent(b::region);
      config.endpoint().ifPresent(b::endpointOverride);
      return b;
    }, clock);
  }

  @Override
  public IssuedCredentials assumeRole(AssumeRoleCall call) throws AwsCallException {
    if (call.webIdentity().isPresent()) {
      return assumeRoleWithWebIdentity(call);
    }
    AssumeRoleRequest.Builder r = AssumeRoleRequest.builder()
        .roleArn(call.roleArn())
        .roleSessionName(call.sessionName())
        .durationSeconds(Math.toIntExact(call.duration().toSeconds()));
    if (!call.sessionTags().isEmpty()) {
      r.tags(call.sessionTags().entrySet().stream()
          .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList());
    }
    if (!call.transitiveTagKeys().isEmpty()) {
      r.transitiveTagKeys(call.transitiveTagKeys());
    }
    call.sourceIdentity().ifPresent(r::sourceIdentity);
    call.sessionPolicy().ifPresent(r::policy);
    if (!call.policyArns().isEmpty()) {
      r.policyArns(policyArns(call));
    }
    call.externalId().ifPresent(r::externalId);
    java.time.Instant issuedAt = clock.instant();
    AssumeRoleResponse response = send(sts -> sts.assumeRole(r.build()));
    return issued(response.credentials(), response.assumedRoleUser().arn(),
        response.sourceIdentity(), response.responseMetadata().requestId(), issuedAt);
  }

  /** Runs one STS operation; every failure becomes an {@link AwsCallException} of one kind. */
  private <T> T send(java.util.function.Function<StsClient, T> operation) throws AwsCallException {
    StsClient sts = client();
    try {
      return operation.apply(sts);
    } catch (StsException e) {
      throw classify(e);
    } catch (SdkClientException e) {
      throw new AwsCallException(AwsCallException.Kind.UNAVAILABLE, "",
          "STS unreachable: " + e.getClass().getSimpleName());
    } catch (SdkException e) {
      throw new AwsCallException(AwsCallException.Kind.UNAVAILABLE, "",
          "STS call failed: " + e.getClass().getSimpleName());
    }
  }

  private static List<PolicyDescriptorType> policyArns(AssumeRoleCall call) {
    return call.policyArns().stream()
        .map(arn -> PolicyDescriptorType.builder().arn(arn).build()).toList();
  }

  private static IssuedCredentials issued(software.amazon.awssdk.services.sts.model.Credentials c,
      String assumedRoleArn, String sourceIdentity, String requestId, java.time.Instant issuedAt) {
    return new IssuedCredentials(c.accessKeyId(), Secret.of(c.secretAccessKey()),
        Secret.of(c.sessionToken()), issuedAt, c.expiration(), assumedRoleArn,
        Optional.ofNullable(sourceIdentity), Optional.ofNullable(requestId).orElse(""));
  }

  /** STS authenticates this call by the caller's token alone; the SDK sends it unsigned. */
  private IssuedCredentials assumeRoleWithWebIdentity(AssumeRoleCall call) throws AwsCallException {
    var r = AssumeRoleWithWebIdentityRequest.builder()
        .roleArn(call.roleArn())
        .roleSessionName(call.sessionName())
        .durationSeconds(Math.toIntExact(call.duration().toSeconds()))
        .webIdentityToken(call.webIdentity().get().token().reveal());
    call.sessionPolicy().ifPresent(r::policy);
    if (!call.policyArns().isEmpty()) {
      r.policyArns(policyArns(call));
    }
    java.time.Instant issuedAt = clock.instant();
    AssumeRoleWithWebIdentityResponse response = send(sts -> sts.assumeRoleWithWebIdentity(r.build()));
    return issued(response.credentials(), response.assumedRoleUser().arn(),
        response.sourceIdentity(), response.responseMetadata().requestId(), issuedAt);
  }

  static AwsCallException classify(StsException e) {
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    String message = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorMessage();
    AwsCallException.Kind kind;
    if (DENIED.contains(code)) {
      kind = AwsCallException.Kind.DENIED;
    } else if (INVALID.contains(code)) {
      kind = AwsCallException.Kind.INVALID;
    } else if ("RegionDisabledException".equals(code) || "RegionDisabled".equals(code)) {
      kind = AwsCallException.Kind.REGION_DISABLED;
    } else if (e.isThrottlingException()) {
      kind = AwsCallException.Kind.THROTTLED;
    } else {
      kind = AwsCallException.Kind.UNAVAILABLE;
    }
    return new AwsCallException(kind, code, "STS " + code + ": " + message);
  }

  @Override
  public void close() {
    StsClient c = sts;
    if (c != null) {
      c.close();
    }
  }
}
