package dev.credbroker.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import java.util.Map;

/**
 * The broker's logging until the config file is read ({@link LogSetup} then applies
 * {@code logging.level} and {@code logging.format}): INFO to stderr through {@link TextLogLayout},
 * {@link CredentialLoggerFilter} on, libraries that retry or repeat themselves quieter. Set in code
 * and found by logback's service loader, because parsing a logback.xml took about 0.3 s of the
 * broker's start (the XML parser and logback's configuration model, some 380 classes). An
 * operator's own file, named with {@code -Dlogback.configurationFile}, still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogDefaults extends ContextAwareBase implements Configurator {
  /** Loggers below the root's level. */
  private static final Map<String, Level> QUIETER = Map.of(
      "io.grpc", Level.WARN,
      // the audit shipper logs a store outage once and its end once; the pool every failed attempt
      "com.zaxxer.hikari", Level.ERROR,
      // the JDBC driver's debug output repeats every failed validation with a stack trace
      "org.postgresql", Level.WARN,
      // FleetStore logs the schema's version and migrations in one line
      "org.flywaydb", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    context.getStatusManager().add(new NopStatusListener());
    // gRPC logs through java.util.logging (LogSetup bridges it): keep JUL's levels in step
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    context.addListener(propagator);
    propagator.start();
    QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
    LogSetup.apply(context, Level.INFO, new TextLogLayout());
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
