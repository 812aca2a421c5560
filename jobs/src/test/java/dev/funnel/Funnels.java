package dev.funnel;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;

/** Configurations used by the tests. */
public final class Funnels {
  private Funnels() {}

  /** The example funnel in Europe/Berlin with a 90-day window and two dimensions. */
  public static FunnelConfig berlin() {
    return withWindow(90);
  }

  /** The example funnel with another conversion window. */
  public static FunnelConfig withWindow(int days) {
    return ConfigLoader.parse(
        "name: test\n"
            + "timezone: Europe/Berlin\n"
            + "stages: [lead, mql, sql, opportunity, won]\n"
            + "lost_stages: [lost, disqualified]\n"
            + "conversion_window_days: "
            + days
            + "\n"
            + "dimensions: [source, segment]\n",
        "test");
  }
}
