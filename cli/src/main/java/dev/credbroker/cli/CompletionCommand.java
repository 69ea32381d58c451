package dev.credbroker.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code credbroker completion bash|zsh}: a completion script built from {@link CommandHelp}, so
 * it offers exactly the commands and options the help names. The packages ship its output
 * (generated at build time); zsh gets the same function through zsh's {@code bashcompinit}.
 */
final class CompletionCommand {
  private CompletionCommand() {}

  static int run(List<String> args, PrintStream out) throws CliOptions.UsageException {
    if (args.size() != 1 || !List.of("bash", "zsh").contains(args.get(0))) {
      throw new CliOptions.UsageException("completion takes one shell: bash or zsh");
    }
    if (args.get(0).equals("zsh")) {
      out.print("""
          # zsh completion for credbroker (`credbroker completion zsh`): source it from ~/.zshrc,
          # after compinit. It is the bash completion, through zsh's bashcompinit.
          autoload -U +X bashcompinit && bashcompinit
          """);
    }
    out.print(bash());
    return CredbrokerCli.EXIT_OK;
  }

  /** The bash function: commands as the first word, then that command's options after a dash. */
  static String bash() {
    StringBuilder cases = new StringBuilder();
    for (String command : CommandHelp.commands()) {
      cases.append("    ").append(command).append(") opts=\"")
          .append(String.join(" ", CommandHelp.options(command))).append(" --help\" ;;\n");
    }
    return """
        # bash completion for credbroker (`credbroker completion bash`)
        _credbroker() {
          local cur=${COMP_WORDS[COMP_CWORD]} opts=""
          if [ "$COMP_CWORD" -eq 1 ]; then
            COMPREPLY=($(compgen -W "%s --help --version" -- "$cur"))
            return 0
          fi
          case "${COMP_WORDS[1]}" in
        %s  esac
          case "$cur" in
            -*) COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
            *) COMPREPLY=() ;;
          esac
        }
        complete -o default -F _credbroker credbroker
        """.formatted(String.join(" ", CommandHelp.commands()), cases);
  }
}
