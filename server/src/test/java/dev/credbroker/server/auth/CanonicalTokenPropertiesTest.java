package dev.credbroker.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.server.auth.AuthenticationException.Reason;
import dev.credbroker.server.testing.MutableClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * One token has one spelling (docs/authentication.md, "Shape"): for real tokens of every
 * algorithm and of every part length, the canonical spelling is accepted and every other spelling
 * of the same bytes (slack bits in a part's last character, padding, the standard alphabet) is
 * refused, so a token's hash identifies it.
 */
class CanonicalTokenPropertiesTest {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private final MutableClock clock = MutableClock.startingNow();
  private final TestIssuer issuer;
  private final Authenticator auth;

  CanonicalTokenPropertiesTest() throws Exception {
    issuer = new TestIssuer("https://canonical.example.com");
    IssuerConfig config = issuer.config(Set.of("RS256", "ES256", "EdDSA"));
    Map<IssuerConfig, Supplier<CompletableFuture<JWKSet>>> sources = Map.of(config,
        issuer.source());
    auth = Authenticator.withKeySources(sources, clock);
  }

  @Property(tries = 60)
  void everyOtherSpellingOfARealToken_isRefused(@ForAll("tokens") String token) throws Exception {
    ok(token);
    List<String> respellings = respellings(token);
    for (String respelled : respellings) {
      AuthenticationException e = refusal(respelled);
      if (e.reason() != Reason.MALFORMED) {
        throw new AssertionError("refused for the wrong reason: " + e.getMessage());
      }
    }
  }

  @Property(tries = 60)
  void respellings_decodeToTheSameBytes(@ForAll("tokens") String token) {
    // Guards the generator: each respelling must really be the same token to a lenient decoder.
    for (String respelled : respellings(token)) {
      String[] a = token.split("\\.", -1);
      String[] b = respelled.split("\\.", -1);
      for (int i = 0; i < 3; i++) {
        if (!Arrays.equals(lenient(a[i]), lenient(b[i]))) {
          throw new AssertionError("not a respelling: " + respelled);
        }
      }
    }
  }

  @Provide
  Arbitrary<String> tokens() {
    Arbitrary<String> subject = Arbitraries.strings().withCharRange(' ', '~')
        .withCharRange('\u00a0', '\u07ff').ofMinLength(1).ofMaxLength(40);
    Arbitrary<String> padding = Arbitraries.strings().alpha().ofMaxLength(7);
    Arbitrary<String> alg = Arbitraries.of("RS256", "ES256", "EdDSA");
    return Combinators.combine(subject, padding, alg).as(this::mint);
  }

  private String mint(String subject, String padding, String alg) {
    try {
      var claims = issuer.claims(clock).subject(subject).claim("x", padding).build();
      return switch (alg) {
        case "RS256" -> issuer.rs256(claims);
        case "ES256" -> issuer.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
            .keyID(issuer.ec.getKeyID()).customParam("p", padding).build(), claims, issuer.ec);
        default -> issuer.eddsa(claims);
      };
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every spelling of the token's bytes other than the canonical one, part by part. */
  static List<String> respellings(String token) {
    String[] parts = token.split("\\.", -1);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (String part : respellPart(parts[i])) {
        String[] copy = parts.clone();
        copy[i] = part;
        out.add(String.join(".", copy));
      }
    }
    return out;
  }

  private static List<String> respellPart(String part) {
    List<String> out = new ArrayList<>();
    int slackBits = switch (part.length() % 4) {
      case 2 -> 4;
      case 3 -> 2;
      default -> 0;
    };
    if (slackBits > 0) {
      int last = ALPHABET.indexOf(part.charAt(part.length() - 1));
      for (int low = 1; low < (1 << slackBits); low++) {
        out.add(part.substring(0, part.length() - 1) + ALPHABET.charAt(last | low));
      }
      out.add(part + "=".repeat(4 - part.length() % 4));
    }
    if (part.indexOf('-') >= 0 || part.indexOf('_') >= 0) {
      out.add(part.replace('-', '+').replace('_', '/'));
    }
    return out;
  }

  private static byte[] lenient(String part) {
    return Base64.getMimeDecoder().decode(part.replace('-', '+').replace('_', '/'));
  }

  private void ok(String token) throws Exception {
    auth.authenticate(token).get(5, TimeUnit.SECONDS);
  }

  private AuthenticationException refusal(String token) throws Exception {
    try {
      auth.authenticate(token).get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthenticationException refused) {
        return refused;
      }
      throw new AssertionError("failed with " + e.getCause(), e.getCause());
    }
    throw new AssertionError("a non-canonical spelling was accepted: " + token);
  }
}
