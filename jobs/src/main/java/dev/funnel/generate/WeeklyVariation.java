package dev.funnel.generate;

import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Real week-to-week variation: one shared factor per (ISO week, stage) that multiplies every
 * advance probability of the entries into that stage in that week, and one per week that multiplies
 * the week's lead creation volume. Factors are lognormal with mean 1 and relative standard
 * deviation {@code sd}, drawn from a random stream of (seed, week, key) alone, so they do not
 * depend on partitioning or on any lead's own stream.
 */
final class WeeklyVariation {
  /** The key of the volume factor; keys 0 to 3 are the advancing stages lead to opportunity. */
  static final int VOLUME = 4;

  // Keeps the factors' streams apart from the leads' streams of the same seed.
  private static final long SALT = 0x5DEECE66DL;

  private WeeklyVariation() {}

  /**
   * The Monday-based week number of {@code day}: 0 for the week of Monday 1970-01-05, so the ISO
   * week of a day is identified by its Monday.
   */
  static long week(LocalDate day) {
    return Math.floorDiv(day.toEpochDay() - 4, 7);
  }

  /**
   * The factor of {@code week} and {@code key} ({@link #VOLUME} or a stage 0 to 3): {@code exp(s z
   * - s^2 / 2)} with {@code z} standard normal and {@code s^2 = ln(1 + sd^2)}, so its mean is 1 and
   * its standard deviation exactly {@code sd}; exactly 1 when {@code sd} is 0.
   */
  static double factor(long seed, long week, int key, double sd) {
    if (sd == 0) {
      return 1.0;
    }
    SplittableRandom rng = LeadSimulator.random(seed ^ SALT, week * 8 + key + (1L << 40));
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    double s2 = Math.log1p(sd * sd);
    return Math.exp(Math.sqrt(s2) * z - s2 / 2);
  }
}
