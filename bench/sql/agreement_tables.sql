-- Independent DuckDB implementation of the nightly job's agreement tables: sla_compliance,
-- sla_breaches, targets and revenue_conversion (see bench/sql/README.md), written from their
-- definitions (README "Configuration", schemas/*.json, issue 3), not from the Spark code.
--
-- Runs after core_tables.sql in the same DuckDB connection and reads its temp tables: events
-- (cleaned, deduplicated, ordered), visits (with first-touch dimensions, week_start and
-- month_start) and entry_outcomes (the first entry into each non-terminal stage, with converted /
-- won / reached_lost within the window).
--
-- Placeholders, besides those of core_tables.sql, filled in by dev.funnel.oracle.DuckDbAgreementTables:
--   ${amount}           the input's amount as DOUBLE: amount::DOUBLE, or NULL::DOUBLE without the column
--   ${slas}             relation (sla, stage, within_hours, clock) with clock 'calendar' | 'business'
--   ${targets}          relation (target, stage, period, kind, goal, currency), period 'week' | 'month',
--                       kind 'leads' | 'amount'
--   ${business_days}    ISO days of week of business_hours: ([1, 2, 3, 4, 5]::INTEGER[])
--   ${business_start}   opening time, local: 09:00:00
--   ${business_end}     closing time, local: 18:00:00
--   ${holidays}         ([DATE '2026-12-24', DATE '2026-12-25']::DATE[])

SET TimeZone = 'UTC';

-- 1. Each lead's amount: its last non-null amount known at the as-of instant, in event order
-- (entered_at, stage order); copies of one event count with their largest amount. The raw rows
-- are joined back to the cleaned events, so only accepted rows before the as-of instant count.
CREATE OR REPLACE TEMP TABLE lead_amounts AS
WITH raw AS (
    SELECT lead_id, stage, entered_at::TIMESTAMPTZ AS entered_at, ${amount} AS amount
    FROM read_parquet('${input}', union_by_name = true)
),
event_amounts AS (
    SELECT e.lead_id, e.entered_at, e.stage_code, max(r.amount) AS amount
    FROM events AS e
    JOIN raw AS r USING (lead_id, stage, entered_at)
    GROUP BY ALL
)
SELECT
    lead_id,
    coalesce(
        arg_max(amount, epoch_us(entered_at) * 1000 + stage_code) FILTER (WHERE amount IS NOT NULL),
        0.0) AS amount
FROM event_amounts
GROUP BY lead_id;

-- 2. The business-hours calendar: one window [open_us, close_us) per business day (local opening
-- and closing times turned into instants in the funnel zone, so daylight-saving days are right),
-- with before_us, the business time of all earlier windows. The business time from the start of
-- the calendar to an instant t is then before_us + min(t, close_us) - open_us of the last window
-- opening at or before t (0 before the first), and a response is the difference of two such
-- values: time outside the windows never counts, and a lead entering outside business hours
-- starts at the next opening.
CREATE OR REPLACE TEMP TABLE business_windows AS
WITH bounds AS (
    SELECT
        min(timezone('${zone}', entered_at)::DATE) - 1 AS first_day,
        DATE '${as_of}' + 1 AS last_day
    FROM visits
),
days AS (
    SELECT unnest(generate_series(first_day::TIMESTAMP, last_day::TIMESTAMP, INTERVAL 1 DAY))::DATE
        AS day
    FROM bounds
    WHERE first_day IS NOT NULL
),
windows AS (
    SELECT
        day,
        epoch_us(timezone('${zone}', day + TIME '${business_start}')) AS open_us,
        epoch_us(timezone('${zone}', day + TIME '${business_end}')) AS close_us
    FROM days
    WHERE list_contains(${business_days}, isodow(day))
      AND NOT list_contains(${holidays}, day)
)
SELECT
    day,
    open_us,
    close_us,
    coalesce(sum(close_us - open_us) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
        AS before_us
FROM windows;

-- 3. Each lead's standing in each SLA. The clock starts at the lead's first entry into the SLA's
-- stage (visit 1); the lead is worked when that visit ends (its next event with another stage:
-- exited_at). The response runs to then, or, for an unworked lead, to the as-of instant.
CREATE OR REPLACE TEMP TABLE sla_leads AS
WITH entries AS (
    SELECT
        s.sla,
        s.within_hours,
        s.clock,
        v.lead_id,
        v.entered_at,
        v.exited_at AS worked_at,
        timezone('${zone}', v.entered_at)::DATE AS day_start,
        v.week_start,
        v.month_start
        ${dim_columns},
        epoch_us(v.entered_at) AS start_us,
        coalesce(epoch_us(v.exited_at), epoch_us(TIMESTAMPTZ '${as_of_instant}')) AS end_us
    FROM visits AS v
    JOIN ${slas} AS s ON v.stage = s.stage AND v.visit_number = 1
),
at_start AS (
    SELECT e.*, coalesce(w.before_us + least(e.start_us, w.close_us) - w.open_us, 0) AS b_start_us
    FROM entries AS e
    ASOF LEFT JOIN business_windows AS w ON e.start_us >= w.open_us
),
at_end AS (
    SELECT a.*, coalesce(w.before_us + least(a.end_us, w.close_us) - w.open_us, 0) AS b_end_us
    FROM at_start AS a
    ASOF LEFT JOIN business_windows AS w ON a.end_us >= w.open_us
),
clocked AS (
    SELECT
        *,
        CASE clock WHEN 'business' THEN b_end_us - b_start_us ELSE end_us - start_us END AS clock_us
    FROM at_end
)
SELECT
    *,
    clock_us / 3600e6 AS clock_hours,
    CASE
        WHEN worked_at IS NOT NULL AND clock_us <= within_hours * 3600e6 THEN 'met'
        WHEN worked_at IS NOT NULL THEN 'breached'
        WHEN clock_us > within_hours * 3600e6 THEN 'breached'
        ELSE 'pending'
    END AS status
FROM clocked;

-- 4. sla_compliance: per SLA, grain (day, week, month of the first entry) and breakdown.
COPY (
    SELECT
        DATE '${as_of}' AS as_of,
        sla,
        CASE
            WHEN GROUPING(day_start) = 0 THEN 'day'
            WHEN GROUPING(week_start) = 0 THEN 'week'
            ELSE 'month'
        END AS grain,
        coalesce(day_start, week_start, month_start) AS period_start,
        ${dimension} AS dimension,
        ${dimension_value} AS dimension_value,
        count(*) AS entered,
        count(*) FILTER (WHERE status = 'met') AS met,
        count(*) FILTER (WHERE status = 'breached') AS breached,
        count(*) FILTER (WHERE status = 'pending') AS pending,
        count(*) FILTER (WHERE status = 'met')
            / nullif(count(*) FILTER (WHERE status IN ('met', 'breached')), 0) AS compliance_rate,
        quantile_cont(clock_hours, 0.5) FILTER (WHERE worked_at IS NOT NULL) AS p50_response_hours,
        quantile_cont(clock_hours, 0.9) FILTER (WHERE worked_at IS NOT NULL) AS p90_response_hours
    FROM sla_leads
    GROUP BY sla, GROUPING SETS (day_start, week_start, month_start), GROUPING SETS (${dim_sets})
) TO '${out}/sla_compliance.parquet' (FORMAT parquet);

-- 5. sla_breaches: one row per breached lead and SLA.
COPY (
    SELECT
        DATE '${as_of}' AS as_of,
        sla,
        lead_id,
        entered_at,
        worked_at,
        clock_hours AS response_hours,
        within_hours::DOUBLE AS within_hours
        ${dim_columns}
    FROM sla_leads
    WHERE status = 'breached'
) TO '${out}/sla_breaches.parquet' (FORMAT parquet);

-- 6. targets: every period from the first with a lead entering the stage through the one holding
-- the as-of day; actual = leads whose first entry falls in the period (or the sum of their
-- amounts); the current period is projected from its elapsed share.
COPY (
    WITH target_leads AS (
        SELECT
            t.target,
            CASE t.period WHEN 'week' THEN v.week_start ELSE v.month_start END AS period_start,
            coalesce(a.amount, 0.0) AS amount
        FROM visits AS v
        JOIN ${targets} AS t ON v.stage = t.stage AND v.visit_number = 1
        LEFT JOIN lead_amounts AS a USING (lead_id)
    ),
    first_periods AS (
        SELECT t.*, min(l.period_start) AS first_start
        FROM ${targets} AS t
        JOIN target_leads AS l USING (target)
        GROUP BY t.target, t.stage, t.period, t.kind, t.goal, t.currency
    ),
    periods AS (
        SELECT
            * EXCLUDE (first_start),
            unnest(generate_series(
                first_start::TIMESTAMP,
                date_trunc(period, DATE '${as_of}')::TIMESTAMP,
                CASE period WHEN 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END))::DATE
                AS period_start
        FROM first_periods
    ),
    actuals AS (
        SELECT
            p.target,
            p.stage,
            p.kind,
            p.currency,
            p.period_start,
            p.goal::DOUBLE AS goal,
            CASE p.kind
                WHEN 'leads' THEN count(l.period_start)::DOUBLE
                ELSE coalesce(sum(l.amount), 0.0)
            END AS actual,
            epoch_us(timezone('${zone}', p.period_start::TIMESTAMP)) AS start_us,
            epoch_us(timezone('${zone}', p.period_start
                + CASE p.period WHEN 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END))
                AS end_us
        FROM periods AS p
        LEFT JOIN target_leads AS l USING (target, period_start)
        GROUP BY p.target, p.stage, p.period, p.kind, p.goal, p.currency, p.period_start
    ),
    shares AS (
        SELECT
            *,
            end_us <= epoch_us(TIMESTAMPTZ '${as_of_instant}') AS complete,
            CASE WHEN end_us <= epoch_us(TIMESTAMPTZ '${as_of_instant}') THEN 1.0
                ELSE (epoch_us(TIMESTAMPTZ '${as_of_instant}') - start_us) / (end_us - start_us)
            END AS elapsed_fraction,
            lag(actual) OVER (PARTITION BY target ORDER BY period_start) AS previous_actual
        FROM actuals
    )
    SELECT
        DATE '${as_of}' AS as_of,
        target,
        stage,
        kind,
        currency,
        period_start,
        goal,
        actual,
        actual / goal AS attainment,
        complete,
        elapsed_fraction,
        actual / elapsed_fraction AS projected,
        actual / elapsed_fraction >= goal AS on_track,
        CASE WHEN kind = 'leads' AND complete AND previous_actual > 0
            THEN (actual - previous_actual) / previous_actual
        END AS lead_velocity_rate
    FROM shares
) TO '${out}/targets.parquet' (FORMAT parquet);

-- 7. revenue_conversion: the stage_conversion cohorts (entry_outcomes), with the won leads'
-- amounts.
COPY (
    WITH cohorts AS (
        SELECT
            CASE WHEN GROUPING(week_start) = 0 THEN 'week' ELSE 'month' END AS grain,
            coalesce(week_start, month_start) AS cohort_start,
            ${stages}[stage_code] AS stage,
            ${dimension} AS dimension,
            ${dimension_value} AS dimension_value,
            count(*) AS entered,
            count(*) FILTER (WHERE won) AS won,
            coalesce(sum(coalesce(a.amount, 0.0)) FILTER (WHERE won), 0.0) AS won_amount
        FROM entry_outcomes
        LEFT JOIN lead_amounts AS a USING (lead_id)
        GROUP BY stage_code, GROUPING SETS (week_start, month_start), GROUPING SETS (${dim_sets})
    )
    SELECT
        DATE '${as_of}' AS as_of,
        grain,
        cohort_start,
        stage,
        dimension,
        dimension_value,
        entered,
        won,
        won_amount,
        won / entered AS win_rate,
        won_amount / entered AS revenue_per_lead,
        epoch_us(timezone('${zone}', cohort_start
                + CASE grain WHEN 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END))
            + ${window_micros} <= epoch_us(TIMESTAMPTZ '${as_of_instant}') AS mature
    FROM cohorts
) TO '${out}/revenue_conversion.parquet' (FORMAT parquet);
