"""Airflow DAG for the funnel job: the nightly run, late data, and on Mondays the weekly report.

Copy it into the DAGs folder and adjust the paths in FUNNEL_* below. Needs the
apache-airflow-providers-apache-spark package and a Spark connection ("spark_default") that
points at the cluster (master URL, deploy mode, queue).

Each daily DAG run is one as-of day: the run for the data interval of `ds` starts after that day
has ended in the funnel's time zone and publishes the tables as of `ds`. Airflow's catch-up and
"clear" re-run a day with the same `--as-of`, which replaces exactly that day's partitions.
Monday's run (as of Sunday, the end of an ISO week) also writes the weekly report of that week.
"""

import pendulum
from airflow import DAG
from airflow.operators.python import ShortCircuitOperator
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

FUNNEL_JAR = "hdfs:///apps/funnel/funnel-cluster.jar"
FUNNEL_CONFIG = "hdfs:///apps/funnel/funnel.yaml"
FUNNEL_INPUT = "hdfs:///crm/stage_events"
FUNNEL_OUTPUT = "hdfs:///funnel"

# Settings that matter at scale; see the README's "Running on a cluster" section for why.
SPARK_CONF = {
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.shuffle.partitions": "400",
    "spark.executor.memory": "8g",
    "spark.executor.memoryOverhead": "2g",
}

with DAG(
    dag_id="funnel_nightly",
    # The funnel's time zone: the day ends at midnight Europe/Berlin, the run starts at 02:30.
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Berlin"),
    schedule="30 2 * * *",
    catchup=True,
    max_active_runs=1,  # oldest first: each day's anomaly history sees the days before it
    default_args={"retries": 2, "retry_delay": pendulum.duration(minutes=15)},
) as dag:
    # Late data: re-run the days of the last week whose input files changed since their run.
    late_data = SparkSubmitOperator(
        task_id="late_data",
        application=FUNNEL_JAR,
        java_class="dev.funnel.cli.FunnelMain",
        conf=SPARK_CONF,
        application_args=[
            "backfill",
            "--config", FUNNEL_CONFIG,
            "--input", FUNNEL_INPUT,
            "--output", FUNNEL_OUTPUT,
            "--changed-since", "{{ macros.ds_add(ds, -7) }}",
            "--to", "{{ macros.ds_add(ds, -1) }}",
            "--wait-for-lock", "1800",
        ],
    )

    nightly = SparkSubmitOperator(
        task_id="nightly_run",
        application=FUNNEL_JAR,
        java_class="dev.funnel.cli.FunnelMain",
        conf=SPARK_CONF,
        application_args=[
            "run",
            "--config", FUNNEL_CONFIG,
            "--input", FUNNEL_INPUT,
            "--output", FUNNEL_OUTPUT,
            "--as-of", "{{ ds }}",
            "--wait-for-lock", "1800",
        ],
    )

    # The as-of day is a Sunday (ISO weekday 7): the run happens on Monday, the week is complete.
    week_complete = ShortCircuitOperator(
        task_id="week_complete",
        python_callable=lambda ds, **_: pendulum.parse(ds).isoweekday() == 7,
    )

    weekly_report = SparkSubmitOperator(
        task_id="weekly_report",
        application=FUNNEL_JAR,
        java_class="dev.funnel.cli.FunnelMain",
        application_args=[
            "report",
            "--config", FUNNEL_CONFIG,
            "--output", FUNNEL_OUTPUT,
            "--week", "{{ macros.datetime.strptime(ds, '%Y-%m-%d').strftime('%G-W%V') }}",
        ],
    )

    late_data >> nightly >> week_complete >> weekly_report
