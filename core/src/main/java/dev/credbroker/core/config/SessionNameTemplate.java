package dev.credbroker.core.config;

import dev.credbroker.core.model.ClaimPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a role's STS session names read in CloudTrail ({@code session_name}): literal text and claim
 * placeholders, e.g. {@code {preferred_username}}, {@code {azp}} or {@code svc-{azp}}, like Vault's
 * {@code username_template}. Without one, a Keycloak service account shows up as its opaque
 * subject. The text is only the readable part: the broker cleans it to STS's characters, shortens
 * it and always appends {@code .} and the caller's digest, so names stay unique per caller and
 * revocations can still single a caller's sessions out (docs/configuration.md).
 */
public final class SessionNameTemplate {
  /** Longer templates cannot fit: STS allows 64 characters, the digest suffix takes 17. */
  public static final int MAX_CHARS = 256;

  private sealed interface Part permits Literal, Claim {}

  private record Literal(String text) implements Part {}

  private record Claim(ClaimPath path) implements Part {}

  private final String text;
  private final List<Part> parts;

  private SessionNameTemplate(String text, List<Part> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses a template; {@link IllegalArgumentException} says what is wrong: an unclosed or empty
   * placeholder, a bad claim path, literal text STS does not allow, no placeholder at all.
   */
  public static SessionNameTemplate parse(String text) {
    if (text.isEmpty() || text.length() > MAX_CHARS) {
      throw new IllegalArgumentException("expected 1 to " + MAX_CHARS + " characters such as"
          + " \"{preferred_username}\"");
    }
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int open = text.indexOf('{', i);
      int end = open < 0 ? text.length() : open;
      if (end > i) {
        String literal = text.substring(i, end);
        if (!literal.chars().allMatch(c -> AwsChars.isStsNameChar((char) c))) {
          throw new IllegalArgumentException("text outside {claim} placeholders may only hold"
              + " letters, digits and _+=,.@- (STS's session name characters)");
        }
        parts.add(new Literal(literal));
      }
      if (open < 0) {
        break;
      }
      int close = text.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("a placeholder opened with { is not closed with }");
      }
      String path = text.substring(open + 1, close);
      if (path.isEmpty() || path.indexOf('{') >= 0) {
        throw new IllegalArgumentException("expected a claim path between { and }, such as"
            + " {preferred_username}");
      }
      parts.add(new Claim(ClaimPath.parse(path)));
      i = close + 1;
    }
    if (parts.stream().noneMatch(p -> p instanceof Claim)) {
      throw new IllegalArgumentException("no {claim} placeholder: every caller would read the"
          + " same; name a claim such as {preferred_username} or {azp}");
    }
    return new SessionNameTemplate(text, parts);
  }

  /**
   * The readable text for a token's claims; empty when a claim is missing, empty, or not a
   * string, number or boolean (the broker then reads the subject instead). Not yet cleaned for
   * STS: the claims are the caller's, and {@code SessionNames} cleans and shortens.
   */
  public Optional<String> render(Map<String, Object> claims) {
    StringBuilder out = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Literal l) {
        out.append(l.text());
      } else if (p instanceof Claim c) {
        Optional<Object> value = c.path().lookup(claims);
        if (value.isEmpty() || !(value.get() instanceof String || value.get() instanceof Number
            || value.get() instanceof Boolean) || value.get().toString().isEmpty()) {
          return Optional.empty();
        }
        out.append(value.get());
      }
      if (out.length() > MAX_CHARS) {
        break; // only a short prefix is ever kept; a huge claim is not copied whole
      }
    }
    return Optional.of(out.length() > MAX_CHARS ? out.substring(0, MAX_CHARS) : out.toString());
  }

  /** {@code session_name} in {@code n}, if set, validated as the broker loads its config. */
  static Optional<SessionNameTemplate> read(ConfigNode n) throws ConfigException {
    Optional<String> text = n.string("session_name");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(text.get()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(n.pathOf("session_name"), e.getMessage());
    }
  }

  /** The template as configured. */
  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionNameTemplate t && t.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
