package dev.funnel.evaluate;

import java.util.List;
import java.util.Locale;

/** The evaluation's results as a Markdown table, with the command that produced them. */
public final class ResultsTable {
  private static final String NONE = "–";

  private ResultsTable() {}

  /**
   * The Markdown: the command line in a code block, one table row per case, then how each column is
   * defined.
   *
   * @param commandLine the exact command that produced the results
   * @param delays the report delays in weeks, one recall column each
   * @param cases the measured cases
   */
  public static String markdown(String commandLine, List<Integer> delays, List<CaseMetrics> cases) {
    StringBuilder md = new StringBuilder();
    md.append("```bash\n").append(commandLine).append("\n```\n\n");
    md.append("| scenario | kind | injected | seeds | reports |");
    for (int d : delays) {
      md.append(" recall ").append(d).append(d == 1 ? " week |" : " weeks |");
    }
    md.append(" median delay (weeks) | precision | false flags / report | target | met |\n");
    md.append("| --- | --- | --- | ---: | ---: |");
    md.append(" ---: |".repeat(delays.size()));
    md.append(" ---: | ---: | ---: | --- | --- |\n");
    for (CaseMetrics m : cases) {
      EvaluationCase c = m.evaluationCase();
      md.append("| ")
          .append(c.scenario().label())
          .append(" | ")
          .append(c.kind())
          .append(" | ")
          .append(c.description())
          .append(" | ")
          .append(m.seeds())
          .append(" | ")
          .append(m.reports())
          .append(" |");
      for (int d : delays) {
        md.append(' ')
            .append(c.injects() ? share(m.detectedWithin(d), m.seeds()) : NONE)
            .append(" |");
      }
      Double delay = m.medianDelayWeeks();
      md.append(' ').append(delay == null ? NONE : format("%.1f", delay)).append(" |");
      long flags = m.actionableFlags();
      md.append(' ')
          .append(c.injects() && flags > 0 ? share(flags - m.unexplainedFlags(), flags) : NONE)
          .append(" |");
      md.append(' ')
          .append(
              m.reports() == 0
                  ? NONE
                  : format(
                      "%.3f (%d / %d)", m.falseFlagsPerReport(), m.unexplainedFlags(), m.reports()))
          .append(" |");
      md.append(' ').append(c.target()).append(" | ").append(met(m.targetMet())).append(" |\n");
    }
    md.append('\n')
        .append("recall N weeks: seeds whose injected anomaly a report at most N weeks after the")
        .append(" onset flagged (critical or warning, the expected kind, stage, dimension and")
        .append(" value, cohort week from two weeks before the onset to the end of the")
        .append(" injection); median delay: weeks from onset to the first such report, over")
        .append(" the detected seeds; precision: critical and warning flags of the injected runs")
        .append(" that the injection explains (its kind and stage, or any stage for a volume")
        .append(" cut, on the injected value or the total, in the same weeks); false flags /")
        .append(" report: the other critical and warning flags per weekly report (on runs with")
        .append(" nothing injected, every flag).\n");
    return md.toString();
  }

  private static String met(Boolean met) {
    return met == null ? "not measured" : met ? "yes" : "no";
  }

  private static String share(long part, long whole) {
    return format("%d/%d (%.0f%%)", part, whole, 100.0 * part / whole);
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
