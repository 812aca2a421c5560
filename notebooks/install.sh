#!/usr/bin/env bash
# Installs what the notebooks need to run headless with Debian's /usr/bin/python3: Jupyter's
# nbconvert and kernel, pandas, matplotlib and JPype from Debian's packages, and the DuckDB JDBC
# driver (the version the build uses) resolved by Maven into notebooks/.jars/.
# Idempotent: installs only what is missing; a second run changes nothing. Needs root for apt
# (or sudo), and Maven. Usage: notebooks/install.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

packages=(jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib python3-jpype)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "notebooks/install.sh: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The driver version is the build's (pom.xml duckdb.version), so notebooks and tests agree.
version="$(sed -n 's:.*<duckdb.version>\(.*\)</duckdb.version>.*:\1:p' "$root/pom.xml" | head -n 1)"
if [ -z "$version" ]; then
  echo "error: notebooks/install.sh: no <duckdb.version> in $root/pom.xml" >&2
  exit 1
fi
jar="$here/.jars/duckdb_jdbc-$version.jar"
if [ ! -s "$jar" ]; then
  mkdir -p "$here/.jars"
  rm -f "$here"/.jars/duckdb_jdbc-*.jar
  copy=(mvn -B -q -ntp -f "$root/pom.xml" -N
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy
    -Dartifact="org.duckdb:duckdb_jdbc:$version" -DoutputDirectory="$here/.jars")
  # Offline first when the jar is in the local repository; online when that fails too (the jar can
  # be there while the dependency plugin's own dependencies are not, e.g. after a benchmark build).
  if ! { [ -s "$HOME/.m2/repository/org/duckdb/duckdb_jdbc/$version/duckdb_jdbc-$version.jar" ] &&
    "${copy[@]}" -o >/dev/null 2>&1; }; then
    "${copy[@]}"
  fi
fi

/usr/bin/python3 -c 'import nbconvert, ipykernel, pandas, matplotlib, jpype' ||
  { echo "error: notebooks/install.sh: the Python packages do not import" >&2; exit 1; }
echo "notebooks/install.sh: ready (kernel /usr/bin/python3, $(basename "$jar"))"
