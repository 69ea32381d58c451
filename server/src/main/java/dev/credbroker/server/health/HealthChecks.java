package dev.credbroker.server.health;

import dev.credbroker.server.metrics.KeySetState;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Where health looks: whether the audit log can be written, the trusted issuers' keys as they are
 * now (from whatever configuration is current), and how to try again for keys that are not
 * usable.
 */
public record HealthChecks(BooleanSupplier auditWritable, Supplier<List<KeySetState>> keySets,
    Runnable retryKeys) {}
