#!/usr/bin/env bash
# Spark vs DuckDB benchmark (see bench/README.md). Builds the product jar and the test classes,
# then runs dev.funnel.bench.Benchmark with the arguments passed through, e.g.
#   bench/run.sh --sizes 1,10,40 --runs 3
#   bench/run.sh --sizes 40 --runs 1 --small-heap-xmx 1g
# BENCH_SKIP_BUILD=1 reuses what is built; BENCH_JAVA_OPTS are JVM options of the harness itself.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
  # GNU time measures each child's peak resident memory.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time
fi

mkdir -p bench/work
classpath_file="$PWD/bench/work/classpath.txt"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f jobs/target/funnel.jar ] || [ ! -f "$classpath_file" ]; then
  # The product jar and, as a side effect of package, the compiled test classes.
  mvn -B -q -ntp package -DskipTests
  # The test classpath (DuckDB, Jackson, ...) for the harness and the DuckDB child.
  mvn -B -q -ntp -pl jobs dependency:build-classpath -Dmdep.outputFile="$classpath_file" \
    -Dmdep.includeScope=test
fi

export SPARK_LOCAL_IP=127.0.0.1
# shellcheck disable=SC2086
exec java ${BENCH_JAVA_OPTS:-} \
  -cp "jobs/target/test-classes:jobs/target/classes:$(cat "$classpath_file")" \
  dev.funnel.bench.Benchmark "$@"
