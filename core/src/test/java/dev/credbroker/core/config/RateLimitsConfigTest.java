package dev.credbroker.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.RateLimitsConfig.Rate;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code rate_limits} section: every key bound, defaults, and each bad value named. */
class RateLimitsConfigTest {

  private static BrokerConfig parse(String rateLimits) throws ConfigException {
    return ConfigLoader.parse("server: {listen: 127.0.0.1:1}\n" + rateLimits, "test", Path.of("."));
  }

  @Test
  void absent_appliesTheDocumentedDefaults() throws Exception {
    RateLimitsConfig limits = parse("").rateLimits();

    assertEquals(RateLimitsConfig.DEFAULTS, limits);
    assertTrue(limits.enabled());
    assertEquals(new Rate(50, 100), limits.caller().requests());
    assertEquals(new Rate(2, 20), limits.caller().uncached());
    assertEquals(16, limits.aws().sts());
  }

  @Test
  void everyKey_isBound() throws Exception {
    RateLimitsConfig limits = parse("""
        rate_limits:
          enabled: false
          caller: {requests: {per_second: 10, burst: 10}, uncached: {per_second: 0.5, burst: 3}}
          role: {requests: {per_second: 200, burst: 300}, uncached: {per_second: 5, burst: 7}}
          secret: {requests: {per_second: 100}, uncached: {burst: 9}}
          max_tracked_callers: 5000
          aws: {sts_concurrency: 4, secrets_manager_concurrency: 8, max_wait: 250ms}
        """).rateLimits();

    assertFalse(limits.enabled());
    assertEquals(new Rate(10, 10), limits.caller().requests());
    assertEquals(new Rate(0.5, 3), limits.caller().uncached());
    assertEquals(new Rate(200, 300), limits.role().requests());
    assertEquals(new Rate(5, 7), limits.role().uncached());
    assertEquals(new Rate(100, 2000), limits.secret().requests(), "burst keeps its default");
    assertEquals(new Rate(20, 9), limits.secret().uncached(), "per_second keeps its default");
    assertEquals(5000, limits.maxTrackedCallers());
    assertEquals(new RateLimitsConfig.AwsCalls(4, 8, Duration.ofMillis(250)), limits.aws());
  }

  @Test
  void refill_isTheTimeAnEmptyBucketTakesToFill() {
    assertEquals(Duration.ofSeconds(1), new Rate(10, 10).refill());
    assertEquals(Duration.ofSeconds(6), new Rate(0.5, 3).refill());
  }

  /** Negative, zero, huge and non-numeric values: one line naming the key and the range. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      negative rate          | {caller: {requests: {per_second: -1}}}        | rate_limits.caller.requests.per_second: must be between 0.001 and 1000000, got '-1'
      zero rate              | {caller: {requests: {per_second: 0}}}         | rate_limits.caller.requests.per_second: must be between 0.001 and 1000000, got '0'
      huge rate              | {role: {uncached: {per_second: 1e12}}}        | rate_limits.role.uncached.per_second: must be between 0.001 and 1000000, got '1.0E12'
      huger than a long      | {secret: {requests: {per_second: 99999999999999999999999}}} | rate_limits.secret.requests.per_second: must be between 0.001 and 1000000
      infinite rate          | {caller: {requests: {per_second: .inf}}}      | rate_limits.caller.requests.per_second: must be between 0.001 and 1000000, got 'Infinity'
      not a number           | {caller: {requests: {per_second: .nan}}}      | rate_limits.caller.requests.per_second: expected a number, got 'NaN' (a number)
      text for a rate        | {caller: {requests: {per_second: 10/s}}}      | rate_limits.caller.requests.per_second: expected a number, got text '10/s'
      quoted number          | {caller: {requests: {per_second: '10'}}}      | rate_limits.caller.requests.per_second: expected a number, got text '10'
      zero burst             | {caller: {uncached: {burst: 0}}}              | rate_limits.caller.uncached.burst: must be between 1 and 10000000, got 0
      negative burst         | {role: {requests: {burst: -5}}}               | rate_limits.role.requests.burst: must be between 1 and 10000000, got -5
      huge burst             | {role: {requests: {burst: 99999999999}}}      | rate_limits.role.requests.burst: must be between 1 and 10000000, got 99999999999
      fractional burst       | {role: {requests: {burst: 2.5}}}              | rate_limits.role.requests.burst: expected a whole number, got '2.5' (a number)
      text burst             | {role: {requests: {burst: lots}}}             | rate_limits.role.requests.burst: expected a whole number, got text 'lots'
      zero concurrency       | {aws: {sts_concurrency: 0}}                   | rate_limits.aws.sts_concurrency: must be between 1 and 10000, got 0
      huge concurrency       | {aws: {secrets_manager_concurrency: 1000000}} | rate_limits.aws.secrets_manager_concurrency: must be between 1 and 10000, got 1000000
      negative wait          | {aws: {max_wait: -1s}}                        | rate_limits.aws.max_wait: expected a duration
      long wait              | {aws: {max_wait: 5m}}                         | rate_limits.aws.max_wait: must be between 0s and 1m, got 5m
      too few tracked        | {max_tracked_callers: 10}                     | rate_limits.max_tracked_callers: must be between 1000 and 10000000, got 10
      misspelt scope         | {callers: {}}                                 | rate_limits.callers: unknown key; did you mean 'caller'?
      misspelt rate key      | {caller: {requests: {rate: 5}}}               | rate_limits.caller.requests.rate: unknown key
      rate as a number       | {caller: {requests: 10}}                      | rate_limits.caller.requests: expected a mapping
      text for enabled       | {enabled: 'no'}                               | rate_limits.enabled: expected true or false, got text 'no'
      """)
  void badValue_namesTheKeyAndTheRange(String caseName, String section, String expected) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("rate_limits: " + section));
    assertTrue(e.getMessage().startsWith(expected), () -> "got: " + e.getMessage());
  }
}
