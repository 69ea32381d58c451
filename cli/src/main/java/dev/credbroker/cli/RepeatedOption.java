package dev.credbroker.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A flag that may be given several times ({@code serve --role a --role b}), taken out of the
 * arguments before {@link CliOptions} parses the rest, which allows each flag once.
 */
record RepeatedOption(List<String> values, List<String> rest) {

  static RepeatedOption take(List<String> args, String name) throws CliOptions.UsageException {
    String flag = "--" + name;
    List<String> values = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals(flag)) {
        if (i + 1 >= args.size()) {
          throw new CliOptions.UsageException(flag + " needs a value");
        }
        values.add(args.get(++i));
      } else if (arg.startsWith(flag + "=")) {
        values.add(arg.substring(flag.length() + 1));
      } else {
        rest.add(arg);
      }
    }
    if (values.stream().distinct().count() != values.size()) {
      throw new CliOptions.UsageException(flag + " names the same value twice");
    }
    if (values.stream().anyMatch(String::isBlank)) {
      throw new CliOptions.UsageException(flag + " must not be empty");
    }
    return new RepeatedOption(List.copyOf(values), List.copyOf(rest));
  }
}
