-- Independent DuckDB implementation of the nightly job's three core tables:
-- stage_visits, stage_conversion and time_in_stage (see bench/sql/README.md).
--
-- Placeholders, filled in textually by dev.funnel.oracle.DuckDbCoreTables:
--   ${input}                glob of the input Parquet files, e.g. /data/events/**/*.parquet
--   ${out}                  output directory (must exist)
--   ${as_of}                the --as-of day, e.g. 2025-01-31
--   ${as_of_instant}        start of the next day in the funnel zone, in UTC: 2025-01-31 23:00:00+00
--   ${zone}                 funnel time zone, e.g. Europe/Berlin
--   ${window_micros}        conversion window in microseconds (days x 24 h)
--   ${stages}               main path, won stage last: (['lead', 'mql', 'sql', 'opportunity', 'won']::VARCHAR[])
--   ${lost_stages}          (['lost', 'disqualified']::VARCHAR[])  (typed, so that an empty list works)
--   ${max_lead_id_length}   longer lead ids are rejected (256)
--   ${earliest_entered_at}  events before this instant are rejected: 1970-01-01 00:00:00+00
--   ${latest_entered_at}    events at or after this instant are rejected: 2100-01-01 00:00:00+00
-- Dimension fragments, generated per dimension (shown for dimensions [source, segment]; with no
-- dimensions the lists are empty, ${dim_sets} is () and ${dimension}, ${dimension_value} are '(all)').
-- Every value is a single line, so placeholders in these comments stay comments.
--   ${dim_columns}          , "source", "segment"
--   ${dim_dedup}            , min("source") AS "source", min("segment") AS "segment"
--   ${dim_first_touch}      , coalesce(first_value(regexp_replace("source", '^(''*\(none\))$', '''\1') IGNORE NULLS) OVER whole_lead, '(none)') AS "source", ... (same for "segment"; a real (none) becomes '(none))
--   ${dim_sets}             (), ("source"), ("segment")
--   ${dimension}            CASE WHEN "source" IS NOT NULL THEN 'source' WHEN "segment" IS NOT NULL THEN 'segment' ELSE '(all)' END
--   ${dimension_value}      coalesce("source", "segment", '(all)')
-- The breakdowns use GROUPING SETS: "GROUP BY stage_code, GROUPING SETS (week_start, month_start),
-- GROUPING SETS (${dim_sets})" is the cross product {week, month} x {total, one per dimension},
-- so every breakdown comes from one scan. A grouped-out column is NULL, and first-touch values are
-- never NULL ('(none)'), so ${dimension} / ${dimension_value} can read the grouping from the NULLs.
--
-- Stage codes: 1-based position in stages || lost_stages, which is also the tie-break order.
-- The won stage has code len(${stages}); lower codes are the non-terminal main path, higher ones
-- are lost stages.

SET TimeZone = 'UTC';

-- 1. Cleaned events: rejected rows and rows at/after the as-of instant dropped, exact duplicates
-- (lead_id, stage, entered_at) merged (a dimension keeps the smallest non-null value of the
-- copies), then one window pass per lead in event order (entered_at, stage code) numbering the
-- events, marking visit starts and spreading the lead's first-touch dimension values.
CREATE OR REPLACE TEMP TABLE events AS
WITH accepted AS (
    SELECT *
    FROM read_parquet('${input}')
    WHERE lead_id IS NOT NULL
      AND stage IS NOT NULL
      AND entered_at IS NOT NULL
      AND length(lead_id) <= ${max_lead_id_length}
      AND NOT regexp_matches(lead_id, '[\x00-\x1F\x7F]')
      AND NOT regexp_matches(stage, '[\x00-\x1F\x7F]')
      AND list_contains(${stages} || ${lost_stages}, stage)
      AND entered_at::TIMESTAMPTZ >= TIMESTAMPTZ '${earliest_entered_at}'
      AND entered_at::TIMESTAMPTZ < TIMESTAMPTZ '${latest_entered_at}'
      AND entered_at::TIMESTAMPTZ < TIMESTAMPTZ '${as_of_instant}'
),
distinct_events AS (
    SELECT
        lead_id,
        stage,
        list_position(${stages} || ${lost_stages}, stage) AS stage_code,
        entered_at::TIMESTAMPTZ AS entered_at
        ${dim_dedup}
    FROM accepted
    GROUP BY lead_id, stage, entered_at::TIMESTAMPTZ
)
SELECT
    lead_id,
    stage,
    stage_code,
    entered_at,
    row_number() OVER lead_order AS seq,
    (lag(stage_code) OVER lead_order) IS DISTINCT FROM stage_code AS starts_visit
    ${dim_first_touch}
FROM distinct_events
WINDOW
    lead_order AS (PARTITION BY lead_id ORDER BY entered_at, stage_code),
    whole_lead AS (lead_order ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING);

-- 2. Visits: a visit starts at every event whose stage differs from the previous event's; it ends
-- at the next visit's start (the lead's next event with a different stage). Won and lost visits
-- are terminal: never open, no duration.
CREATE OR REPLACE TEMP TABLE visits AS
WITH starts AS (
    SELECT
        lead_id,
        stage,
        stage_code,
        seq,
        row_number() OVER (PARTITION BY lead_id, stage_code ORDER BY seq) AS visit_number,
        entered_at,
        lead(entered_at) OVER (PARTITION BY lead_id ORDER BY seq) AS exited_at,
        lead(stage) OVER (PARTITION BY lead_id ORDER BY seq) AS next_stage
        ${dim_columns}
    FROM events
    WHERE starts_visit
)
SELECT
    *,
    stage_code >= len(${stages}) AS terminal,
    CASE WHEN stage_code < len(${stages})
        THEN (epoch_us(exited_at) - epoch_us(entered_at)) / 3600e6
    END AS duration_hours,
    stage_code < len(${stages}) AND exited_at IS NULL AS is_open,
    date_trunc('week', timezone('${zone}', entered_at))::DATE AS week_start,
    date_trunc('month', timezone('${zone}', entered_at))::DATE AS month_start
FROM starts;

COPY (
    SELECT
        DATE '${as_of}' AS as_of,
        lead_id,
        stage,
        visit_number::INTEGER AS visit_number,
        entered_at,
        exited_at,
        next_stage,
        duration_hours,
        is_open
        ${dim_columns}
    FROM visits
) TO '${out}/stage_visits.parquet' (FORMAT parquet);

-- 3. Stage conversion. The S-cohort is keyed by the first entry into S (visit 1 of S). Its
-- outcome looks at the lead's later events (later in event order) of a higher stage code entered
-- within the window: a later main-path stage (converted), the won stage (won), a lost stage.
-- The outcomes are kept (entry_outcomes) for revenue_conversion (agreement_tables.sql).
CREATE OR REPLACE TEMP TABLE entry_outcomes AS
WITH first_entry AS (
    SELECT lead_id, stage_code, seq, entered_at, week_start, month_start ${dim_columns}
    FROM visits
    WHERE visit_number = 1 AND stage_code < len(${stages})
)
SELECT
    f.lead_id,
    f.stage_code,
    f.week_start,
    f.month_start
    ${dim_columns},
    count(*) FILTER (WHERE e.stage_code <= len(${stages})) > 0 AS converted,
    count(*) FILTER (WHERE e.stage_code = len(${stages})) > 0 AS won,
    count(*) FILTER (WHERE e.stage_code > len(${stages})) > 0 AS reached_lost
FROM first_entry AS f
LEFT JOIN (SELECT lead_id, seq, stage_code, entered_at FROM events) AS e
    ON e.lead_id = f.lead_id
    AND e.seq > f.seq
    AND e.stage_code > f.stage_code
    AND epoch_us(e.entered_at) - epoch_us(f.entered_at) <= ${window_micros}
GROUP BY ALL;

COPY (
    WITH cohorts AS (
        SELECT
            CASE WHEN GROUPING(week_start) = 0 THEN 'week' ELSE 'month' END AS grain,
            coalesce(week_start, month_start) AS cohort_start,
            ${stages}[stage_code] AS stage,
            ${stages}[stage_code + 1] AS next_stage,
            ${dimension} AS dimension,
            ${dimension_value} AS dimension_value,
            count(*) AS entered,
            count(*) FILTER (WHERE converted) AS converted,
            count(*) FILTER (WHERE won) AS won,
            count(*) FILTER (WHERE reached_lost AND NOT converted) AS lost
        FROM entry_outcomes
        GROUP BY stage_code, GROUPING SETS (week_start, month_start), GROUPING SETS (${dim_sets})
    )
    SELECT
        DATE '${as_of}' AS as_of,
        grain,
        cohort_start,
        stage,
        next_stage,
        dimension,
        dimension_value,
        entered,
        converted,
        won,
        lost,
        entered - converted - lost AS "open",
        converted / entered AS conversion_rate,
        -- period end = next period's first midnight in the zone; then the exact window
        epoch_us(timezone('${zone}', cohort_start
                + CASE grain WHEN 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END))
            + ${window_micros} <= epoch_us(TIMESTAMPTZ '${as_of_instant}') AS mature
    FROM cohorts
) TO '${out}/stage_conversion.parquet' (FORMAT parquet);

-- 4. Time in stage over the non-terminal main-path visits, by the period of the visit's entry.
-- t_us is the exit duration for closed visits and the censoring time (as-of instant - entry)
-- for open ones.
CREATE OR REPLACE TEMP TABLE stage_times AS
SELECT
    stage_code,
    week_start,
    month_start
    ${dim_columns},
    exited_at IS NOT NULL AS exited,
    coalesce(epoch_us(exited_at), epoch_us(TIMESTAMPTZ '${as_of_instant}'))
        - epoch_us(entered_at) AS t_us
FROM visits
WHERE stage_code < len(${stages});

COPY (
    WITH stats AS (
        SELECT
            CASE WHEN GROUPING(week_start) = 0 THEN 'week' ELSE 'month' END AS grain,
            coalesce(week_start, month_start) AS cohort_start,
            ${stages}[stage_code] AS stage,
            ${dimension} AS dimension,
            ${dimension_value} AS dimension_value,
            count(*) AS visits,
            count(*) FILTER (WHERE exited) AS closed,
            avg(t_us / 3600e6) FILTER (WHERE exited) AS mean_hours,
            quantile_cont(t_us / 3600e6, [0.5, 0.75, 0.9, 0.95]) FILTER (WHERE exited) AS q
        FROM stage_times
        GROUP BY stage_code, GROUPING SETS (week_start, month_start), GROUPING SETS (${dim_sets})
    ),
    -- Kaplan-Meier: per cell and distinct time, exits d and censorings c ...
    km_steps AS (
        SELECT
            CASE WHEN GROUPING(week_start) = 0 THEN 'week' ELSE 'month' END AS grain,
            coalesce(week_start, month_start) AS cohort_start,
            ${stages}[stage_code] AS stage,
            ${dimension} AS dimension,
            ${dimension_value} AS dimension_value,
            t_us,
            count(*) FILTER (WHERE exited) AS d,
            count(*) FILTER (WHERE NOT exited) AS c
        FROM stage_times
        GROUP BY stage_code, t_us, GROUPING SETS (week_start, month_start), GROUPING SETS (${dim_sets})
    ),
    -- ... the number at risk n = visits with time >= t (censored at t are still at risk) ...
    km_risk AS (
        SELECT
            *,
            sum(d + c) OVER (
                PARTITION BY grain, cohort_start, stage, dimension, dimension_value
                ORDER BY t_us DESC
                ROWS UNBOUNDED PRECEDING) AS n
        FROM km_steps
    ),
    -- ... S(t) = prod over exit times t_i <= t of (1 - d_i / n_i), via exp(sum(ln)); a factor of
    -- zero (d = n, everyone left exits) makes S exactly 0 from there on.
    km_curve AS (
        SELECT
            grain, cohort_start, stage, dimension, dimension_value, t_us,
            CASE WHEN bool_or(d = n) OVER upto THEN 0.0::DOUBLE
                ELSE exp(sum(CASE WHEN d < n THEN ln(1 - d / n) ELSE 0 END) OVER upto)
            END AS survival,
            count(*) OVER upto AS factors
        FROM km_risk
        WHERE d > 0
        WINDOW upto AS (
            PARTITION BY grain, cohort_start, stage, dimension, dimension_value
            ORDER BY t_us
            ROWS UNBOUNDED PRECEDING)
    ),
    -- ... and the q-quantile is the smallest exit time with S(t) <= 1 - q.
    km AS (
        SELECT
            grain, cohort_start, stage, dimension, dimension_value,
            -- rounding of a long product: the slack grows with the number of factors
            min(t_us) FILTER (WHERE survival <= 0.5 + 1e-12 + factors * 1e-15) / 3600e6
                AS km_p50_hours,
            min(t_us) FILTER (WHERE survival <= 0.1 + 1e-12 + factors * 1e-15) / 3600e6
                AS km_p90_hours
        FROM km_curve
        GROUP BY ALL
    )
    SELECT
        DATE '${as_of}' AS as_of,
        s.grain,
        s.cohort_start,
        s.stage,
        s.dimension,
        s.dimension_value,
        s.visits,
        s.closed,
        s.visits - s.closed AS "open",
        s.mean_hours,
        s.q[1] AS p50_hours,
        s.q[2] AS p75_hours,
        s.q[3] AS p90_hours,
        s.q[4] AS p95_hours,
        km.km_p50_hours,
        km.km_p90_hours
    FROM stats AS s
    LEFT JOIN km USING (grain, cohort_start, stage, dimension, dimension_value)
) TO '${out}/time_in_stage.parquet' (FORMAT parquet);
