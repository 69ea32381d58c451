package dev.credbroker.server.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

class AwsErrorsTest {

  @Test
  void awsMessageEchoingACaller_isEscapedAndCutBeforeItGoesAnywhere() {
    AwsServiceException e = AwsServiceException.builder().awsErrorDetails(AwsErrorDetails.builder()
        .errorCode("ResourceNotFoundException")
        .errorMessage("no staging label: X\n2026-01-01 ERROR forged\u001b[2K" + "y".repeat(10_000))
        .build()).build();

    AwsCallException c = AwsErrors.classify("Secrets Manager", e,
        Map.of("ResourceNotFoundException", AwsCallException.Kind.NOT_FOUND));

    assertEquals(AwsCallException.Kind.NOT_FOUND, c.kind());
    assertEquals("ResourceNotFoundException", c.awsCode());
    assertTrue(c.getMessage().startsWith("Secrets Manager ResourceNotFoundException: no staging"
        + " label: X\\n2026-01-01 ERROR forged\\u001b[2Kyyy"), c.getMessage());
    assertFalse(c.getMessage().contains("\n") || c.getMessage().contains("\u001b"));
    assertTrue(c.getMessage().length() < 700, "cut at " + AwsErrors.MAX_AWS_MESSAGE);
  }
}
