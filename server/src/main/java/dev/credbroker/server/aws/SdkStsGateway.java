package dev.credbroker.server.aws;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.server.aws.AwsCallException.Kind;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.Secret;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.PolicyDescriptorType;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * STS through the AWS SDK for Java v2: the SDK's standard retry mode retries throttling and 5xx
 * with jittered backoff, bounded by {@code aws.call_timeout}. AWS error codes become the few
 * kinds the broker acts on (STS API reference, "Errors" of AssumeRole). The client is built on
 * first use.
 */
public final class SdkStsGateway implements StsGateway, AutoCloseable {
  private static final Map<String, Kind> KINDS = kinds();

  private final LazyClient<StsClient> client;
  private final java.time.Clock clock;

  private SdkStsGateway(LazyClient<StsClient> client, java.time.Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  private static Map<String, Kind> kinds() {
    Map<String, Kind> kinds = new HashMap<>();
    for (String code : List.of("AccessDenied", "AccessDeniedException", "ExpiredToken",
        "InvalidClientTokenId", "SignatureDoesNotMatch")) {
      kinds.put(code, Kind.DENIED);
    }
    for (String code : List.of("ValidationError", "MalformedPolicyDocument", "PackedPolicyTooLarge",
        "InvalidParameterValue", "InvalidIdentityToken", "IDPRejectedClaim")) {
      kinds.put(code, Kind.INVALID);
    }
    kinds.put("RegionDisabledException", Kind.REGION_DISABLED);
    kinds.put("RegionDisabled", Kind.REGION_DISABLED);
    return Map.copyOf(kinds);
  }

  /** With the broker's own credentials from the AWS SDK default chain. */
  public static SdkStsGateway create(AwsConfig config, java.time.Clock clock) {
    return create(config, DefaultCredentialsProvider.builder().build(), clock);
  }

  public static SdkStsGateway create(AwsConfig config, AwsCredentialsProvider credentials,
      java.time.Clock clock) {
    return new SdkStsGateway(new LazyClient<>("STS", () -> {
      StsClientBuilder b = StsClient.builder()
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .credentialsProvider(credentials)
          .overrideConfiguration(o -> o.apiCallTimeout(config.callTimeout()));
      config.region().map(Region::of).ifPresent(b::region);
      config.endpoint().ifPresent(b::endpointOverride);
      return b.build();
    }), clock);
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

  private <T> T send(java.util.function.Function<StsClient, T> operation) throws AwsCallException {
    return AwsErrors.send("STS", client.get(), operation, KINDS);
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

  @Override
  public void close() {
    client.close();
  }
}
