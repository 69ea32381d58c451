package dev.credbroker.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import dev.credbroker.core.config.LoggingConfig;
import dev.credbroker.server.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CredentialLoggerFilterTest {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  @AfterEach
  void restore() {
    LogSetup.apply(LoggingConfig.DEFAULTS);
  }

  @Test
  void prefixes_matchWholeNameSegmentsOnly() {
    assertTrue(CredentialLoggerFilter.quiet("software.amazon.awssdk"));
    assertTrue(CredentialLoggerFilter.quiet(
        "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner"));
    assertTrue(CredentialLoggerFilter.quiet("sun.net.www.protocol.http.HttpURLConnection"));
    assertTrue(CredentialLoggerFilter.quiet("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler"));
    assertFalse(CredentialLoggerFilter.quiet("software.amazon.awssdkx.Other"));
    assertFalse(CredentialLoggerFilter.quiet("io.grpc.ChannelLogger"));
    assertFalse(CredentialLoggerFilter.quiet("dev.credbroker.server.cache.SecretCache"));
  }

  @Test
  void apply_addsTheFilterOnceEvenWhenTheLogbackFileHadNone() {
    context.resetTurboFilterList();
    LogSetup.apply(new LoggingConfig(LoggingConfig.Level.DEBUG, LoggingConfig.Format.JSON));
    LogSetup.apply(new LoggingConfig(LoggingConfig.Level.DEBUG, LoggingConfig.Format.TEXT));
    assertEquals(1, context.getTurboFilterList().stream()
        .filter(CredentialLoggerFilter.class::isInstance).count());

    try (LogCapture logs = LogCapture.everyLoggerAt(ch.qos.logback.classic.Level.TRACE)) {
      LoggerFactory.getLogger("software.amazon.awssdk.request").debug("x-amz-security-token:t");
      LoggerFactory.getLogger("software.amazon.awssdk.request").atTrace().log("fluent");
      LoggerFactory.getLogger("software.amazon.awssdk.request").warn("a warning passes");
      LoggerFactory.getLogger("dev.credbroker.server.Other").debug("own debug passes");
      assertEquals(2, logs.lines().size(), logs.lines().toString());
      assertFalse(logs.rendered().contains("x-amz-security-token"));
    }
  }
}
