package dev.funnel.report;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.report.ReportInput.Check;
import dev.funnel.report.ReportInput.Conversion;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hand-made table rows for report tests: a funnel in Europe/Berlin, report week 2026-W48 (Mon 23
 * Nov – Sun 29 Nov 2026), as-of Sunday 29 Nov. Two sources with exact numbers for the mix/rate
 * split, and a hostile source value {@code <script>alert(1)</script>}.
 */
public final class ReportFixture {
  public static final String HOSTILE = "<script>alert(1)</script>";
  public static final LocalDate AS_OF = LocalDate.parse("2026-11-29");
  public static final ReportWeek WEEK = ReportWeek.parse("2026-W48");

  /** The week the conversion drop starts. */
  public static final LocalDate DROP_WEEK = LocalDate.parse("2026-11-16");

  public static final String CONFIG =
      """
      name: fixture-b2b
      timezone: Europe/Berlin
      stages: [lead, mql, sql, opportunity, won]
      lost_stages: [lost]
      conversion_window_days: 90
      dimensions: [source, owner]
      sla:
        - {name: mql_handoff, stage: mql, within_hours: 24}
      targets:
        - {name: mql_volume, stage: mql, period: month, leads: 1000}
        - {name: mql_value, stage: mql, period: month, amount: 100000, currency: EUR}
      anomalies:
        sla_min_compliance: {mql_handoff: 0.90}
      smtp:
        host: localhost
        port: 3025
        starttls: false
        user: reports@example.com
        password_env: FUNNEL_TEST_SMTP_PASSWORD
      """;

  private ReportFixture() {}

  /** The fixture's configuration. */
  public static FunnelConfig config() {
    return ConfigLoader.parse(CONFIG, "fixture");
  }

  /** One breached lead of the fixture's sla_breaches table. */
  public record Breach(
      String sla, String leadId, String owner, Instant enteredAt, Instant workedAt, double hours) {}

  /** The breached leads. */
  public static List<Breach> breaches() {
    return List.of(
        new Breach("mql_handoff", "L-1", "ann", Instant.parse("2026-11-02T09:00:00Z"), null, 650),
        new Breach("mql_handoff", "L-2", "ann", Instant.parse("2026-11-10T09:00:00Z"), null, 458),
        new Breach(
            "mql_handoff",
            "L-3",
            "bob",
            Instant.parse("2026-11-12T09:00:00Z"),
            Instant.parse("2026-11-14T09:00:00Z"),
            48),
        new Breach("mql_handoff", "L-4", HOSTILE, Instant.parse("2026-10-20T09:00:00Z"), null, 960),
        new Breach(
            "mql_handoff",
            "L-5",
            "ann",
            Instant.parse("2026-11-20T09:00:00Z"),
            Instant.parse("2026-11-22T09:00:00Z"),
            48));
  }

  /** The rows of a run with flags ({@code flags}) or without. */
  public static ReportInput input(boolean flags) {
    List<Conversion> conversion = new ArrayList<>();
    List<ReportInput.Time> times = new ArrayList<>();
    List<ReportInput.Sla> sla = new ArrayList<>();
    LocalDate firstWeek = LocalDate.parse("2026-05-04");
    for (LocalDate w = firstWeek; !w.isAfter(WEEK.monday()); w = w.plusWeeks(1)) {
      boolean mature = !w.plusWeeks(1).plusDays(90).isAfter(AS_OF.plusDays(1));
      boolean drop = flags && !w.isBefore(DROP_WEEK);
      // mql: 100 leads a week (all); sql: 50 paid_search + 50 organic.
      conversion.add(conv("week", w, "mql", "sql", "(all)", "(all)", 100, 50, mature));
      conversion.add(
          conv(
              "week",
              w,
              "mql",
              "sql",
              "source",
              HOSTILE,
              flags && w.equals(WEEK.monday()) ? 2 : 10,
              1,
              mature));
      conversion.add(
          conv("week", w, "sql", "opportunity", "(all)", "(all)", 100, drop ? 18 : 25, mature));
      conversion.add(
          conv(
              "week", w, "sql", "opportunity", "source", "paid_search", 50, drop ? 8 : 15, mature));
      conversion.add(conv("week", w, "sql", "opportunity", "source", "organic", 50, 10, mature));
      conversion.add(
          conv("week", w, "sql", "opportunity", "owner", "ann", 50, drop ? 10 : 12, mature));
      conversion.add(
          conv("week", w, "sql", "opportunity", "owner", "bob", 50, drop ? 8 : 13, mature));
      times.add(new ReportInput.Time("week", w, "sql", "(all)", "(all)", 100, 10, 72.0, 240.0));
      sla.add(
          new ReportInput.Sla(
              "mql_handoff", "week", w, "(all)", "(all)", 100, 90, 8, 2, 90.0 / 98));
    }
    for (LocalDate m = LocalDate.parse("2026-08-01");
        !m.isAfter(LocalDate.parse("2026-11-01"));
        m = m.plusMonths(1)) {
      boolean mature = !m.plusMonths(1).plusDays(90).isAfter(AS_OF.plusDays(1));
      conversion.add(conv("month", m, "lead", "mql", "(all)", "(all)", 1000, 430, mature));
      conversion.add(conv("month", m, "mql", "sql", "(all)", "(all)", 430, 215, mature));
      conversion.add(conv("month", m, "sql", "opportunity", "(all)", "(all)", 215, 54, mature));
      conversion.add(conv("month", m, "opportunity", "won", "(all)", "(all)", 54, 18, mature));
      for (String stage : List.of("lead", "mql", "sql", "opportunity")) {
        times.add(new ReportInput.Time("month", m, stage, "(all)", "(all)", 100, 5, 60.0, 300.0));
      }
    }
    sla.add(
        new ReportInput.Sla(
            "mql_handoff", "week", WEEK.monday(), "(all)", "(all)", 100, 80, 15, 5, 80.0 / 95));
    sla.removeIf(s -> s.periodStart().equals(WEEK.monday()) && s.met() == 90);
    sla.add(
        new ReportInput.Sla(
            "mql_handoff",
            "month",
            LocalDate.parse("2026-11-01"),
            "(all)",
            "(all)",
            430,
            380,
            40,
            10,
            380.0 / 420));
    List<ReportInput.Revenue> revenue = new ArrayList<>();
    for (LocalDate m = LocalDate.parse("2026-08-01");
        !m.isAfter(LocalDate.parse("2026-11-01"));
        m = m.plusMonths(1)) {
      boolean mature = !m.plusMonths(1).plusDays(90).isAfter(AS_OF.plusDays(1));
      revenue.add(
          new ReportInput.Revenue("month", m, "mql", 430, 18, 104_300, 104_300 / 430.0, mature));
    }
    List<ReportInput.Target> targets =
        List.of(
            new ReportInput.Target(
                "mql_volume",
                "mql",
                "leads",
                null,
                LocalDate.parse("2026-11-01"),
                1000,
                430,
                false,
                29.0 / 30,
                430 / (29.0 / 30),
                false),
            new ReportInput.Target(
                "mql_value",
                "mql",
                "amount",
                "EUR",
                LocalDate.parse("2026-11-01"),
                100_000,
                104_300,
                false,
                29.0 / 30,
                104_300 / (29.0 / 30),
                true));
    List<Check> anomalies = new ArrayList<>();
    List<Check> checks = new ArrayList<>();
    // Weekly checks of sql conversion, (all) and per part, for the 12 weeks up to the report week.
    for (LocalDate w = WEEK.monday().minusWeeks(11);
        !w.isAfter(WEEK.monday());
        w = w.plusWeeks(1)) {
      boolean drop = flags && !w.isBefore(DROP_WEEK);
      checks.add(
          check(
              "CONVERSION_DROP",
              drop ? "critical" : "warning",
              w,
              "sql",
              "(all)",
              "(all)",
              "conversion_rate",
              drop ? 0.18 : 0.25,
              0.25,
              0.20,
              0.30,
              100,
              drop,
              drop ? 0.001 : 0.6));
      checks.add(
          check(
              "CONVERSION_DROP",
              "warning",
              w,
              "sql",
              "source",
              "paid_search",
              "conversion_rate",
              drop ? 0.16 : 0.30,
              0.30,
              0.22,
              0.38,
              50,
              drop,
              drop ? 0.002 : 0.7));
      checks.add(
          check(
              "CONVERSION_DROP",
              "warning",
              w,
              "sql",
              "source",
              "organic",
              "conversion_rate",
              0.20,
              0.20,
              0.13,
              0.27,
              50,
              false,
              0.8));
      checks.add(
          check(
              "CONVERSION_DROP",
              "warning",
              w,
              "sql",
              "owner",
              "ann",
              "conversion_rate",
              drop ? 0.20 : 0.24,
              0.24,
              0.16,
              0.32,
              50,
              false,
              0.5));
      checks.add(
          check(
              "CONVERSION_DROP",
              "warning",
              w,
              "sql",
              "owner",
              "bob",
              "conversion_rate",
              drop ? 0.16 : 0.26,
              0.26,
              0.18,
              0.34,
              50,
              false,
              0.4));
      checks.add(
          check(
              "VOLUME_DROP",
              "warning",
              w,
              "mql",
              "source",
              HOSTILE,
              "entered",
              10.0,
              10.0,
              4.0,
              16.0,
              10,
              false,
              0.5));
    }
    if (flags) {
      anomalies.add(
          check(
              "CONVERSION_DROP",
              "critical",
              DROP_WEEK,
              "sql",
              "(all)",
              "(all)",
              "conversion_rate",
              0.18,
              0.25,
              0.20,
              0.30,
              200,
              true,
              0.001,
              "sql → opportunity conversion for all leads fell to 18.0% (expected 25.0% at the same age, 200 leads, q = 0.001) since the week of 16 Nov 2026."));
      anomalies.add(
          check(
              "VOLUME_DROP",
              "critical",
              WEEK.monday(),
              "mql",
              "source",
              HOSTILE,
              "entered",
              2.0,
              10.0,
              4.0,
              16.0,
              2,
              true,
              0.004,
              "Leads entering mql for source = " + HOSTILE + " fell to 2 (expected 10)."));
      anomalies.add(
          check(
              "SLA_BREACH_RATE",
              "warning",
              WEEK.monday(),
              "mql",
              "(all)",
              "(all)",
              "compliance_rate",
              80.0 / 95,
              0.918,
              0.86,
              0.97,
              95,
              true,
              0.03,
              "mql_handoff compliance fell to 84.2% (expected 91.8%, 95 leads, q = 0.03) in the week of 23 Nov 2026."));
      checks.removeIf(c -> c.kind().equals("VOLUME_DROP") && c.periodStart().equals(WEEK.monday()));
      checks.add(
          check(
              "VOLUME_DROP",
              "critical",
              WEEK.monday(),
              "mql",
              "source",
              HOSTILE,
              "entered",
              2.0,
              10.0,
              4.0,
              16.0,
              2,
              true,
              0.004));
      checks.add(
          check(
              "SLA_BREACH_RATE",
              "warning",
              WEEK.monday(),
              "mql",
              "(all)",
              "(all)",
              "compliance_rate",
              80.0 / 95,
              0.918,
              0.86,
              0.97,
              95,
              true,
              0.03));
    }
    anomalies.add(insufficient("opportunity", "owner", "bob", 12, 0.85));
    anomalies.add(insufficient("opportunity", "source", HOSTILE, 3, null));
    anomalies.add(insufficient("opportunity", "owner", "ann", 20, 0.62));
    Map<String, long[]> owners = new TreeMap<>();
    List<ReportInput.OwnerBreaches> ownerBreaches = new ArrayList<>();
    List<ReportInput.Unworked> unworked = new ArrayList<>();
    Instant monthStart = LocalDate.parse("2026-11-01").atStartOfDay(config().zone()).toInstant();
    for (Breach b : breaches()) {
      if (!b.enteredAt().isBefore(monthStart)) {
        long[] c = owners.computeIfAbsent(b.owner(), k -> new long[2]);
        c[0]++;
        c[1] += b.workedAt() == null ? 1 : 0;
      }
      if (b.workedAt() == null) {
        unworked.add(
            new ReportInput.Unworked(b.sla(), b.leadId(), b.owner(), b.enteredAt(), b.hours()));
      }
    }
    owners.forEach(
        (o, c) -> ownerBreaches.add(new ReportInput.OwnerBreaches("mql_handoff", o, c[0], c[1])));
    return new ReportInput(
        AS_OF,
        conversion,
        times,
        revenue,
        sla,
        targets,
        ownerBreaches,
        unworked,
        anomalies,
        checks);
  }

  static Conversion conv(
      String grain,
      LocalDate start,
      String stage,
      String next,
      String dim,
      String value,
      long entered,
      long converted,
      boolean mature) {
    return new Conversion(
        grain,
        start,
        stage,
        next,
        dim,
        value,
        entered,
        converted,
        (double) converted / entered,
        mature);
  }

  static Check check(
      String kind,
      String severity,
      LocalDate week,
      String stage,
      String dim,
      String value,
      String metric,
      Double observed,
      Double expected,
      Double lower,
      Double upper,
      long n,
      boolean flagged,
      double q) {
    return check(
        kind,
        severity,
        week,
        stage,
        dim,
        value,
        metric,
        observed,
        expected,
        lower,
        upper,
        n,
        flagged,
        q,
        kind + " check of " + stage + " for " + value + ".");
  }

  static Check check(
      String kind,
      String severity,
      LocalDate week,
      String stage,
      String dim,
      String value,
      String metric,
      Double observed,
      Double expected,
      Double lower,
      Double upper,
      long n,
      boolean flagged,
      double q,
      String message) {
    return new Check(
        kind,
        severity,
        "week",
        week,
        stage,
        dim,
        value,
        metric,
        observed,
        expected,
        lower,
        upper,
        n,
        q / 2,
        q,
        0.3,
        flagged ? LocalDate.parse("2026-11-24") : null,
        flagged,
        message);
  }

  static Check insufficient(String stage, String dim, String value, long n, Double detectable) {
    return new Check(
        "INSUFFICIENT_DATA",
        "info",
        "week",
        WEEK.monday(),
        stage,
        dim,
        value,
        "leads",
        null,
        null,
        null,
        null,
        n,
        null,
        null,
        detectable,
        null,
        false,
        "Only "
            + n
            + " leads entered "
            + stage
            + " for "
            + dim
            + " = "
            + value
            + ": too few to judge.");
  }
}
