package dev.funnel.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code java -jar funnel.jar}: parses the command line and maps failures. */
@Command(
    name = "funnel",
    mixinStandardHelpOptions = true,
    version = "funnel 0.1.0",
    description = "Funnel analytics: stage visits, conversion and time in stage from CRM history.",
    subcommands = {
      GenerateCommand.class,
      RunCommand.class,
      DemoCommand.class,
      EvaluateCommand.class,
      ImportCommand.class,
      ReportCommand.class,
      BackfillCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:unexpected failure (see the log)",
      "2:usage or configuration error",
      "3:input data error (missing path, schema mismatch)",
      "4:another run holds the output lock",
      "5:the report is written but could not be mailed"
    })
public final class FunnelMain implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(FunnelMain.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--debug",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Log at debug level, with stack traces of failures.")
  void setDebug(boolean debug) {
    if (debug) {
      Configurator.setLevel("dev.funnel", Level.DEBUG);
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (for tests and embedding). */
  public static int execute(String... args) {
    CommandLine commandLine = new CommandLine(new FunnelMain());
    commandLine.setExecutionExceptionHandler(
        (failure, cmd, parseResult) -> {
          int code = ExitCodes.of(failure);
          LOG.debug("command failed", failure);
          cmd.getErr().println("error: " + oneLine(failure));
          if (code == ExitCodes.FAILURE) {
            cmd.getErr().println("(re-run with --debug for the stack trace)");
          }
          return code;
        });
    return commandLine.execute(args);
  }

  private static String oneLine(Throwable failure) {
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      message = failure.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
