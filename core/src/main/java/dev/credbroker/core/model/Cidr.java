package dev.credbroker.core.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}. IPv4-mapped IPv6
 * addresses ({@code ::ffff:10.1.2.3}) match IPv4 networks, since that is how dual-stack sockets
 * report IPv4 peers.
 */
public final class Cidr {
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /** Parses {@code address/prefix} (a bare address means a single host); never does DNS. */
  public static Cidr parse(String text) {
    String hint = "expected a network such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32";
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    if (!LITERAL.matcher(address).matches()) {
      throw new IllegalArgumentException(hint);
    }
    byte[] bytes;
    try {
      bytes = normalize(InetAddress.getByName(address).getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(hint);
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > max) {
        throw new IllegalArgumentException("prefix length must be 0-" + max + " for " + address);
      }
      prefix = Integer.parseInt(p);
    }
    for (int bit = prefix; bit < max; bit++) {
      if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) {
        throw new IllegalArgumentException(text + " has host bits set; did you mean "
            + masked(bytes, prefix) + "/" + prefix + "?");
      }
    }
    return new Cidr(bytes, prefix, text);
  }

  public boolean contains(InetAddress address) {
    byte[] a = normalize(address.getAddress());
    if (a.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >> (bit % 8);
      if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr other && prefix == other.prefix
        && java.util.Arrays.equals(network, other.network);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(network) + prefix;
  }

  @Override
  public String toString() {
    return text;
  }

  private static byte[] normalize(byte[] address) {
    if (address.length == 16) {
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= address[i] == 0;
      }
      mapped &= address[10] == (byte) 0xff && address[11] == (byte) 0xff;
      if (mapped) {
        return new byte[] {address[12], address[13], address[14], address[15]};
      }
    }
    return address;
  }

  private static String masked(byte[] bytes, int prefix) {
    byte[] copy = bytes.clone();
    for (int bit = prefix; bit < copy.length * 8; bit++) {
      copy[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
    }
    try {
      return InetAddress.getByAddress(copy).getHostAddress();
    } catch (UnknownHostException e) {
      return "?";
    }
  }
}
