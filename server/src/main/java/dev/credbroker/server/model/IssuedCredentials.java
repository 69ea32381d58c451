package dev.credbroker.server.model;

import java.time.Instant;
import java.util.Optional;

/**
 * Temporary AWS credentials as STS issued them. The secret parts are {@link Secret}s, so printing
 * or logging this record shows only what is safe to show: the key id, expiry and ARN.
 */
public record IssuedCredentials(
    String accessKeyId,
    Secret secretAccessKey,
    Secret sessionToken,
    Instant issuedAt,
    Instant expiration,
    String assumedRoleArn,
    Optional<String> sourceIdentity,
    String awsRequestId) {}
