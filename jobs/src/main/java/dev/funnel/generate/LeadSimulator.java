package dev.funnel.generate;

import static dev.funnel.calendar.FunnelCalendar.MICROS_PER_HOUR;
import static dev.funnel.calendar.FunnelCalendar.MICROS_PER_SECOND;

import dev.funnel.calendar.FunnelCalendar;
import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Simulates one lead at a time: its attributes, creation instant and walk through the funnel, as
 * rows of {@link EventGenerator#SIMULATED_SCHEMA}. Each lead draws from its own random stream
 * seeded from (seed, lead index) only, so a lead's events never depend on which partition or in
 * which order it is simulated.
 */
final class LeadSimulator implements Serializable {
  private static final long serialVersionUID = 1L;

  static final int LEAD = 0;
  static final int MQL = 1;
  static final int SQL = 2;
  static final int OPPORTUNITY = 3;
  static final int WON = 4;
  static final int LOST = 5;
  static final int DISQUALIFIED = 6;
  private static final int STALE = -1;

  private static final String[] STAGE_NAMES = {
    SyntheticFunnel.LEAD,
    SyntheticFunnel.MQL,
    SyntheticFunnel.SQL,
    SyntheticFunnel.OPPORTUNITY,
    SyntheticFunnel.WON,
    SyntheticFunnel.LOST,
    SyntheticFunnel.DISQUALIFIED
  };

  private static final int SOURCE = 0;
  private static final int SEGMENT = 1;
  private static final int OWNER = 2;
  private static final int REGION = 3;

  private static final double[] SOURCE_WEIGHTS = {0.30, 0.25, 0.12, 0.13, 0.20};
  private static final double[] SEGMENT_WEIGHTS = {0.58, 0.29, 0.13};
  private static final double[] OWNER_WEIGHTS = {
    0.11, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.09
  };
  private static final double[] REGION_WEIGHTS = {0.45, 0.30, 0.15, 0.10};

  // Probability to advance from lead, mql, sql, opportunity before the dimension multipliers.
  private static final double[] BASE_ADVANCE = {0.50, 0.55, 0.60, 0.33};
  // [stage][source]: referrals convert best, outbound worst at the top of the funnel.
  private static final double[][] SOURCE_ADVANCE = {
    {1.00, 0.85, 1.35, 1.15, 0.60},
    {1.00, 0.95, 1.20, 0.90, 1.10},
    {1.00, 0.95, 1.10, 0.95, 1.00},
    {1.00, 0.90, 1.30, 1.00, 0.85}
  };
  // [stage][segment]: enterprise deals qualify well but are hard to close.
  private static final double[][] SEGMENT_ADVANCE = {
    {1.00, 1.05, 1.10},
    {1.00, 1.00, 0.95},
    {0.95, 1.05, 1.10},
    {1.10, 1.00, 0.70}
  };
  private static final double[] REGION_WIN = {1.00, 1.05, 0.95, 0.90};
  // Speed to lead: reps who answer fast also qualify more of their MQLs.
  private static final double[] OWNER_MQL_ADVANCE = {
    1.12, 1.10, 1.08, 1.05, 1.02, 1.00, 0.96, 0.92, 0.88, 0.84
  };

  // Median hours an MQL waits for its owner before the next event (then pushed into working
  // hours): rep_01..rep_04 answer within hours, rep_08..rep_10 take one to three days, so a 24-hour
  // hand-off SLA has real breaches.
  private static final double[] OWNER_RESPONSE_HOURS = {1.5, 2.5, 3.5, 5, 7, 10, 16, 26, 40, 60};
  private static final double OWNER_RESPONSE_SIGMA = 0.7;
  private static final double[] SOURCE_SPEED = {1.00, 0.90, 0.75, 1.10, 1.30};
  private static final double[] SEGMENT_SPEED = {0.60, 1.00, 2.20};

  private static final double SKIP_LEAD_TO_SQL = 0.06;
  private static final double SKIP_MQL_TO_OPPORTUNITY = 0.03;
  private static final double REOPEN_LOST = 0.10;
  private static final double REOPEN_DISQUALIFIED = 0.04;
  private static final double DUPLICATE = 0.005;
  private static final double OFF_HOURS_KEPT = 0.10;
  private static final double WORKING_HOURS_CREATION = 0.85;
  private static final double DIMENSION_NEVER_SET = 0.01;
  private static final double DIMENSION_SET_LATER = 0.07;
  private static final double OWNER_REASSIGNED = 0.08;
  private static final double SMB_UPGRADED = 0.05;
  private static final double AMOUNT_FROM_MQL = 0.30;
  private static final double[] AMOUNT_MEDIAN = {4_500, 12_000, 45_000};
  private static final int MAX_STEPS = 24;

  private static final long LATE_ARRIVALS = 7 * 24 * MICROS_PER_HOUR;

  private final long seed;
  private final LocalDate startDay;
  private final long cutoffMicros;
  private final double[] creationCdf;
  private final Effect[] effects;
  private final Timing timing;
  // Weekly factors [week - firstWeek][stage], or null without weekly variation.
  private final long firstWeek;
  private final double[][] stageFactors;

  /** A simulator for the spec's period, seed and anomalies. */
  LeadSimulator(GeneratorSpec spec) {
    this.seed = spec.seed();
    this.startDay = spec.start();
    // Events up to a week past the period model data that arrived after it ended.
    this.cutoffMicros = midnight(spec.end()) + LATE_ARRIVALS;
    this.creationCdf = creationCdf(spec.start(), spec.end(), spec.seed(), spec.weeklyVariation());
    this.effects = spec.anomalies().stream().map(Effect::new).toArray(Effect[]::new);
    this.timing = spec.timing();
    this.firstWeek = WeeklyVariation.week(spec.start());
    if (spec.weeklyVariation() > 0) {
      // Entries happen from the start to the cutoff, a week after the end.
      int weeks = (int) (WeeklyVariation.week(spec.end().plusDays(8)) - firstWeek + 1);
      stageFactors = new double[weeks][OPPORTUNITY + 1];
      for (int w = 0; w < weeks; w++) {
        for (int stage = LEAD; stage <= OPPORTUNITY; stage++) {
          stageFactors[w][stage] =
              WeeklyVariation.factor(spec.seed(), firstWeek + w, stage, spec.weeklyVariation());
        }
      }
    } else {
      stageFactors = null;
    }
  }

  /** The shared factor of the advance probability of entries into {@code stage} at {@code at}. */
  private double stageFactor(int stage, long at) {
    if (stageFactors == null) {
      return 1.0;
    }
    long week = WeeklyVariation.week(local(at).toLocalDate());
    int w = (int) Math.max(0, Math.min(stageFactors.length - 1, week - firstWeek));
    return stageFactors[w][stage];
  }

  /** The events of lead {@code index} (0-based) in order; empty when a volume cut dropped it. */
  List<Row> events(long index) {
    return new Lead(index).simulate();
  }

  /** The lead id of lead {@code index}: {@code L} and the 1-based number in nine digits. */
  static String leadId(long index) {
    char[] id = "L000000000".toCharArray();
    long n = index + 1;
    for (int i = id.length - 1; i > 0 && n > 0; i--) {
      id[i] = (char) ('0' + n % 10);
      n /= 10;
    }
    return new String(id);
  }

  /** The random stream of one lead: a function of (seed, index) alone. */
  static SplittableRandom random(long seed, long index) {
    return new SplittableRandom(mix(mix(seed) ^ (index * 0x9E3779B97F4A7C15L)));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // Day weights: weekends ~30% of weekdays, a winter high / summer low of +-20%, a dead week at
  // Christmas and 15% yearly growth, times the week's volume factor when weeks vary.
  private static double[] creationCdf(
      LocalDate start, LocalDate end, long seed, double weeklyVariation) {
    int days = (int) ChronoUnit.DAYS.between(start, end);
    double[] cdf = new double[days];
    double total = 0;
    for (int i = 0; i < days; i++) {
      LocalDate day = start.plusDays(i);
      double weight = isWeekend(day) ? 0.3 : 1.0;
      weight *= 1 + 0.2 * Math.cos(2 * Math.PI * (day.getDayOfYear() - 45) / 365.25);
      weight *= 1 + 0.15 * i / 365.0;
      boolean christmas =
          (day.getMonth() == Month.DECEMBER && day.getDayOfMonth() >= 24)
              || (day.getMonth() == Month.JANUARY && day.getDayOfMonth() == 1);
      weight *= christmas ? 0.25 : 1.0;
      if (weeklyVariation > 0) {
        weight *=
            WeeklyVariation.factor(
                seed, WeeklyVariation.week(day), WeeklyVariation.VOLUME, weeklyVariation);
      }
      total += weight;
      cdf[i] = total;
    }
    for (int i = 0; i < days; i++) {
      cdf[i] /= total;
    }
    cdf[days - 1] = 1.0;
    return cdf;
  }

  private static boolean isWeekend(LocalDate day) {
    DayOfWeek dow = day.getDayOfWeek();
    return dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY;
  }

  private static long midnight(LocalDate day) {
    return toMicros(day.atStartOfDay(SyntheticFunnel.ZONE));
  }

  private static long toMicros(ZonedDateTime time) {
    return FunnelCalendar.toMicros(time.toInstant());
  }

  private static ZonedDateTime local(long micros) {
    return FunnelCalendar.toInstant(micros).atZone(SyntheticFunnel.ZONE);
  }

  private static int pick(double u, double[] weights) {
    double acc = 0;
    for (int i = 0; i < weights.length - 1; i++) {
      acc += weights[i];
      if (u < acc) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** One anomaly in the simulator's terms: codes and window instants. */
  private static final class Effect implements Serializable {
    private static final long serialVersionUID = 1L;
    final InjectedAnomaly.Kind kind;
    final int stage;
    final int dimension;
    final int value;
    final long from;
    final long to;
    final double magnitude;

    Effect(InjectedAnomaly anomaly) {
      kind = anomaly.kind();
      stage = SyntheticFunnel.MAIN_PATH.indexOf(anomaly.stage());
      dimension = SyntheticFunnel.DIMENSIONS.indexOf(anomaly.dimension());
      value = SyntheticFunnel.VALUES.get(anomaly.dimension()).indexOf(anomaly.value());
      from = midnight(anomaly.weekStart());
      to = midnight(anomaly.weekEnd());
      magnitude = anomaly.magnitude();
    }

    boolean applies(Lead lead, int atStage, long at) {
      return atStage == stage && lead.matches(dimension, value) && at >= from && at < to;
    }
  }

  /** The state of one lead while it is simulated. */
  private final class Lead {
    private final SplittableRandom rng;
    private final String id;
    // Values the lead is created with; matching and most behaviour depend on these.
    private final int[] created = new int[4];
    private final int[] current = new int[4];
    // Per dimension: the first event ordinal that carries it, or MAX_VALUE for never.
    private final int[] visibleFrom = new int[4];
    private final int amountFrom;
    private double amount;
    private boolean amountVisible;
    private boolean sqlSeen;
    private boolean opportunitySeen;
    private int emitted;
    private final List<Row> rows = new ArrayList<>(8);

    Lead(long index) {
      rng = random(seed, index);
      id = leadId(index);
      created[SOURCE] = pick(rng.nextDouble(), SOURCE_WEIGHTS);
      created[SEGMENT] = pick(rng.nextDouble(), SEGMENT_WEIGHTS);
      created[OWNER] = pick(rng.nextDouble(), OWNER_WEIGHTS);
      created[REGION] = pick(rng.nextDouble(), REGION_WEIGHTS);
      System.arraycopy(created, 0, current, 0, 4);
      for (int d = 0; d < 4; d++) {
        double u = rng.nextDouble();
        if (u < DIMENSION_NEVER_SET) {
          visibleFrom[d] = Integer.MAX_VALUE;
        } else if (u < DIMENSION_NEVER_SET + DIMENSION_SET_LATER) {
          visibleFrom[d] = rng.nextDouble() < 0.75 ? 1 : 2;
        } else {
          visibleFrom[d] = 0;
        }
      }
      amountFrom = rng.nextDouble() < AMOUNT_FROM_MQL ? MQL : SQL;
      amount = AMOUNT_MEDIAN[created[SEGMENT]] * Math.exp(0.75 * gaussian());
    }

    boolean matches(int dimension, int value) {
      return created[dimension] == value && visibleFrom[dimension] != Integer.MAX_VALUE;
    }

    List<Row> simulate() {
      long t = creationInstant();
      double keep = rng.nextDouble();
      for (Effect effect : effects) {
        if (effect.kind == InjectedAnomaly.Kind.VOLUME_CUT
            && effect.applies(this, LEAD, t)
            && keep >= effect.magnitude) {
          return rows;
        }
      }
      emit(LEAD, t);
      int stage = LEAD;
      boolean reopened = false;
      for (int step = 0; step < MAX_STEPS; step++) {
        double u = rng.nextDouble();
        double p = advanceProbability(stage, t);
        int next;
        if (u < p) {
          next = stage + 1;
          double skip = rng.nextDouble();
          if ((stage == LEAD && skip < SKIP_LEAD_TO_SQL)
              || (stage == MQL && skip < SKIP_MQL_TO_OPPORTUNITY)) {
            next = stage + 2;
          }
        } else {
          next = setback(stage, (u - p) / (1 - p));
        }
        if (next == STALE) {
          return rows;
        }
        double hours = dwellHours(stage, next) * slowdown(stage, t);
        t = workingHours(t + (long) (hours * MICROS_PER_HOUR));
        if (t >= cutoffMicros) {
          return rows;
        }
        emit(next, t);
        if (next == WON) {
          return rows;
        }
        if (next == LOST || next == DISQUALIFIED) {
          double reopen = rng.nextDouble();
          if (reopened || reopen >= (next == LOST ? REOPEN_LOST : REOPEN_DISQUALIFIED)) {
            return rows;
          }
          reopened = true;
          // Reopened into the stage it was lost from; a reactivated lead comes back as an MQL.
          next = stage == LEAD ? MQL : stage;
          double days = 45 * Math.exp(0.6 * gaussian());
          t = workingHours(t + (long) (days * 24 * MICROS_PER_HOUR));
          if (t >= cutoffMicros) {
            return rows;
          }
          emit(next, t);
        }
        stage = next;
      }
      return rows;
    }

    private long creationInstant() {
      int day = java.util.Arrays.binarySearch(creationCdf, rng.nextDouble());
      day = day >= 0 ? day + 1 : -day - 1;
      day = Math.min(day, creationCdf.length - 1);
      double shape = rng.nextDouble();
      double a = rng.nextDouble();
      double b = rng.nextDouble();
      // Mostly office hours peaking early afternoon; the rest at any time, nights included.
      double hour = shape < WORKING_HOURS_CREATION ? 8 + 11 * (a + b) / 2 : 24 * a;
      return midnight(startDay.plusDays(day)) + (long) (hour * MICROS_PER_HOUR);
    }

    private double advanceProbability(int stage, long enteredAt) {
      double p = BASE_ADVANCE[stage];
      p *= SOURCE_ADVANCE[stage][created[SOURCE]];
      p *= SEGMENT_ADVANCE[stage][created[SEGMENT]];
      if (stage == MQL) {
        p *= OWNER_MQL_ADVANCE[current[OWNER]];
      }
      if (stage == OPPORTUNITY) {
        p *= REGION_WIN[created[REGION]];
      }
      if (stageFactors != null) {
        p *= stageFactor(stage, enteredAt);
      }
      p = Math.max(0.01, Math.min(0.97, p));
      for (Effect effect : effects) {
        if (effect.applies(this, stage, enteredAt)) {
          if (effect.kind == InjectedAnomaly.Kind.CONVERSION_DROP) {
            p *= effect.magnitude;
          } else if (effect.kind == InjectedAnomaly.Kind.CONVERSION_RISE) {
            p = 1 - (1 - p) * effect.magnitude;
          }
        }
      }
      return p;
    }

    private double slowdown(int stage, long enteredAt) {
      double factor = 1;
      for (Effect effect : effects) {
        if (effect.kind == InjectedAnomaly.Kind.SLOWDOWN
            && effect.applies(this, stage, enteredAt)) {
          factor /= effect.magnitude;
        }
      }
      return factor;
    }

    // Where a lead goes when it does not advance; w is uniform in [0, 1).
    private int setback(int stage, double w) {
      return switch (stage) {
        case LEAD -> w < 0.55 ? DISQUALIFIED : w < 0.65 ? LOST : w < 0.69 ? LEAD : STALE;
        case MQL -> w < 0.30 ? DISQUALIFIED : w < 0.75 ? LOST : STALE;
        case SQL -> w < 0.65 ? LOST : w < 0.77 ? DISQUALIFIED : w < 0.83 ? MQL : STALE;
        default -> w < 0.78 ? LOST : w < 0.80 ? DISQUALIFIED : w < 0.90 ? SQL : STALE;
      };
    }

    private double dwellHours(int stage, int next) {
      double median;
      double sigma;
      if (stage == MQL) {
        median = OWNER_RESPONSE_HOURS[current[OWNER]];
        sigma = OWNER_RESPONSE_SIGMA;
      } else {
        boolean advance = next > stage && next <= WON;
        boolean back = next <= stage;
        if (stage == LEAD) {
          median = back ? 14 * 24 : advance ? 30 : next == LOST ? 200 : 60;
          sigma = back ? 0.6 : 1.0;
        } else if (stage == SQL) {
          median = back ? 14 * 24 : advance ? 5 * 24 : 10 * 24;
          sigma = back ? 0.6 : 0.8;
        } else {
          median = back ? 12 * 24 : advance ? 20 * 24 : 25 * 24;
          sigma = back ? 0.6 : 0.75;
        }
        median *= SOURCE_SPEED[created[SOURCE]];
        if (stage != LEAD) {
          median *= SEGMENT_SPEED[created[SEGMENT]];
        }
      }
      return median * Math.exp(sigma * gaussian()) * timing.factor(stage);
    }

    // Events outside office hours (08:00-19:00 on weekdays, Berlin) mostly move to the next
    // working morning; a few stay where they fell, as real systems record some night work.
    private long workingHours(long micros) {
      double kept = rng.nextDouble();
      double offset = rng.nextDouble();
      ZonedDateTime time = local(micros);
      LocalDate day = time.toLocalDate();
      int hour = time.getHour();
      boolean weekend = isWeekend(day);
      if ((!weekend && hour >= 8 && hour < 19) || kept < OFF_HOURS_KEPT) {
        return micros;
      }
      if (weekend || hour >= 19) {
        day = day.plusDays(1);
      }
      while (isWeekend(day)) {
        day = day.plusDays(1);
      }
      long opening =
          toMicros(day.atTime(8, 0).atZone(SyntheticFunnel.ZONE))
              + (long) (offset * 2.5 * MICROS_PER_HOUR);
      return Math.max(opening, micros + MICROS_PER_SECOND);
    }

    private void emit(int stage, long at) {
      if (stage == SQL && !sqlSeen) {
        sqlSeen = true;
        if (rng.nextDouble() < OWNER_REASSIGNED) {
          int other = (int) (rng.nextDouble() * (OWNER_WEIGHTS.length - 1));
          current[OWNER] = other >= current[OWNER] ? other + 1 : other;
        }
      }
      if (stage == OPPORTUNITY && !opportunitySeen) {
        opportunitySeen = true;
        if (rng.nextDouble() < 0.35) {
          amount *= Math.exp(0.25 * gaussian());
        }
        if (current[SEGMENT] == 0 && rng.nextDouble() < SMB_UPGRADED) {
          current[SEGMENT] = 1;
        }
      }
      if (stage == WON && rng.nextDouble() < 0.25) {
        // Final negotiation usually ends with a discount.
        amount *= Math.exp(-0.05 + 0.15 * gaussian());
      }
      if (stage <= WON && stage >= amountFrom) {
        amountVisible = true;
      }
      Double shown = amountVisible ? Math.round(amount * 100) / 100.0 : null;
      Row row =
          RowFactory.create(
              id,
              STAGE_NAMES[stage],
              at,
              shown,
              value(SOURCE, SyntheticFunnel.SOURCES),
              value(SEGMENT, SyntheticFunnel.SEGMENTS),
              value(OWNER, SyntheticFunnel.OWNERS),
              value(REGION, SyntheticFunnel.REGIONS));
      rows.add(row);
      if (rng.nextDouble() < DUPLICATE) {
        rows.add(row);
      }
      emitted++;
    }

    private String value(int dimension, List<String> values) {
      return emitted >= visibleFrom[dimension] ? values.get(current[dimension]) : null;
    }

    // Box-Muller on the lead's own stream, so results do not depend on the JDK's Gaussian.
    private double gaussian() {
      double u1 = rng.nextDouble();
      double u2 = rng.nextDouble();
      return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
  }
}
