"""Reads one run of the funnel job's output tables into pandas, typed by ``schemas/<table>.json``.

The notebooks share this module. It reads the real Parquet tables under
``OUTPUT/<table>/as_of=YYYY-MM-DD/`` with the first reader it finds:

1. the Python ``duckdb`` package,
2. the Python ``pyarrow`` package,
3. the DuckDB JDBC driver inside this kernel through JPype (Debian's ``python3-jpype``; the jar
   that ``notebooks/install.sh`` resolves with Maven).

``FUNNEL_READER=duckdb|pyarrow|jdbc`` forces one. Every table comes back with the column types
its schema file declares (DATE and TIMESTAMP as pandas datetimes, TIMESTAMP in UTC); columns the
schema does not list (the lead's dimension values) are strings.

``show(fig)`` is how a notebook displays a figure: it refuses a figure that plots nothing and
tags the image, so the notebook test can tell a checked figure from a stray one.
"""

from __future__ import annotations

import datetime as _dt
import glob
import io
import json
import math
import os
import pathlib

import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent
SCHEMAS = pathlib.Path(os.environ.get("FUNNEL_SCHEMAS", HERE.parent / "schemas"))

#: Environment variables that override the notebook's RUN (the notebook test sets them).
OUTPUT_ENV = "FUNNEL_OUTPUT"
AS_OF_ENV = "FUNNEL_AS_OF"

#: Key of the display metadata that marks a figure checked by ``show``.
FIGURE_METADATA = "funnel_figure"


# --------------------------------------------------------------------------------------------
# Schemas


def schema(table: str) -> list[dict]:
    """The fields of ``schemas/<table>.json``: name, type, nullable, metadata."""
    with open(SCHEMAS / f"{table}.json", encoding="utf-8") as f:
        return json.load(f)["fields"]


def describe(table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """The table's columns with type and description, as the schema file states them."""
    rows = [
        {
            "column": f["name"],
            "type": f["type"],
            "unit": f.get("metadata", {}).get("unit", ""),
            "meaning": f.get("metadata", {}).get("description", ""),
        }
        for f in schema(table)
        if columns is None or f["name"] in columns
    ]
    return pd.DataFrame(rows).set_index("column")


def explain(table: str, columns: list[str]) -> None:
    """Prints each column's unit and meaning as its schema file defines it (the one source)."""
    import textwrap

    for column, row in describe(table, columns).iterrows():
        print(textwrap.fill(f"{table}.{column} ({row['unit']}): {row['meaning']}", width=100,
                            subsequent_indent="    "))


# --------------------------------------------------------------------------------------------
# The run


class Run:
    """One run: the output folder and the as-of day whose partitions it reads."""

    def __init__(self, output, as_of=None):
        self.output = pathlib.Path(output).expanduser().resolve()
        if not self.output.is_dir():
            raise FileNotFoundError(
                f"output folder {self.output} does not exist (run the job or the demo first: "
                "java -jar jobs/target/funnel.jar demo)"
            )
        runs = sorted(glob.glob(str(self.output / "_runs" / "*.json")))
        if as_of is None:
            if not runs:
                raise FileNotFoundError(f"no completed run in {self.output / '_runs'}")
            as_of = pathlib.Path(runs[-1]).stem
        self.as_of = _dt.date.fromisoformat(str(as_of))
        manifest = self.output / "_runs" / f"{self.as_of}.json"
        if not manifest.exists():
            raise FileNotFoundError(
                f"{manifest} is missing: the run as of {self.as_of} did not complete "
                f"(completed runs: {[pathlib.Path(r).stem for r in runs]})"
            )
        with open(manifest, encoding="utf-8") as f:
            #: The run manifest (rows read, accounting, tables written, ...).
            self.manifest = json.load(f)
        #: The instant at which data stopped being known (end of the as-of day, funnel's zone).
        self.as_of_instant = pd.Timestamp(self.manifest["as_of_instant"]).tz_convert("UTC")
        self.reader = _reader()

    def __repr__(self):
        return f"Run({str(self.output)!r}, as_of={self.as_of.isoformat()!r}, reader={self.reader.name})"

    def partition(self, table: str) -> pathlib.Path:
        """The folder of the table's partition for this run's as-of day."""
        return self.output / table / f"as_of={self.as_of.isoformat()}"

    def has(self, table: str) -> bool:
        """Whether this run wrote the table (its partition holds Parquet files)."""
        return bool(glob.glob(str(self.partition(table) / "*.parquet")))

    def table(self, name: str, columns=None, where=None) -> pd.DataFrame:
        """Reads the table's partition of this run.

        columns: the columns to read (default all); where: {column: value or list of values},
        pushed down to the reader (rows whose column equals the value / one of the values).
        """
        if not self.has(name):
            raise FileNotFoundError(
                f"table {name} has no partition {self.partition(name)} "
                f"(tables of this run: {sorted(self.manifest.get('tables', {}))})"
            )
        declared = {f["name"]: f["type"] for f in schema(name)}
        where = {c: (list(v) if isinstance(v, (list, tuple, set)) else [v]) for c, v in (where or {}).items()}
        files = sorted(glob.glob(str(self.partition(name) / "*.parquet")))
        frame = self.reader.read(files, list(columns) if columns else None, where, declared)
        return _conform(frame, declared)


def open_run(run: dict) -> Run:
    """The run a notebook's first cell names; FUNNEL_OUTPUT / FUNNEL_AS_OF override it."""
    output = os.environ.get(OUTPUT_ENV) or run["output"]
    as_of = os.environ.get(AS_OF_ENV) or run.get("as_of")
    if os.environ.get(OUTPUT_ENV) or os.environ.get(AS_OF_ENV):
        print(f"(RUN overridden by the environment: output={output}, as_of={as_of})")
    result = Run(output, as_of)
    m = result.manifest
    print(
        f"Run of funnel {m.get('funnel')} as of {result.as_of} (data known until "
        f"{m.get('as_of_instant')}): {m.get('rows_read', 0):,} rows read, "
        f"{m.get('leads', 0):,} leads; tables in {result.output}; reader: {result.reader.name}"
    )
    return result


# --------------------------------------------------------------------------------------------
# Types


def _conform(frame: pd.DataFrame, declared: dict) -> pd.DataFrame:
    """Gives every column the pandas type of its declared Spark type, whatever the reader."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        kind = declared.get(column, "string")
        if kind == "date":
            values = pd.to_datetime(values)
            if getattr(values.dt, "tz", None) is not None:
                values = values.dt.tz_localize(None)
        elif kind == "timestamp":
            values = pd.to_datetime(values, utc=True)
        elif kind in ("long", "integer"):
            values = values.astype("Int64") if values.isna().any() else values.astype("int64")
        elif kind == "double":
            values = values.astype("float64")
        elif kind == "boolean":
            values = values.astype("boolean") if values.isna().any() else values.astype(bool)
        else:
            values = values.astype(object).where(values.notna(), None)
        out[column] = values
    return pd.DataFrame(out, index=range(len(frame)))


def _literal(value, kind: str) -> str:
    """A SQL literal of the declared type (the where values are the caller's, never quoted raw)."""
    if value is None:
        return "NULL"
    if kind == "boolean":
        return "TRUE" if bool(value) else "FALSE"
    if kind in ("long", "integer", "double"):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"not a finite number: {value!r}")
        return repr(int(value)) if kind != "double" else repr(number)
    if kind == "date":
        return "DATE '" + _dt.date.fromisoformat(str(value)[:10]).isoformat() + "'"
    return "'" + str(value).replace("'", "''") + "'"


def _ident(column: str) -> str:
    """A quoted SQL identifier."""
    return '"' + column.replace('"', '""') + '"'


def _sql(files, columns, where, declared, expression=lambda c, t: _ident(c)) -> str:
    names = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    source = f"read_parquet([{names}], hive_partitioning = false)"
    select = "*" if columns is None else ", ".join(expression(c, declared.get(c, "string")) for c in columns)
    clauses = []
    for column, values in where.items():
        kind = declared.get(column, "string")
        clauses.append(_ident(column) + " IN (" + ", ".join(_literal(v, kind) for v in values) + ")")
    return f"SELECT {select} FROM {source}" + (" WHERE " + " AND ".join(clauses) if clauses else "")


# --------------------------------------------------------------------------------------------
# Readers


class _DuckDbReader:
    name = "duckdb (Python)"

    def __init__(self, duckdb):
        self.connection = duckdb.connect()

    def read(self, files, columns, where, declared):
        return self.connection.execute(_sql(files, columns, where, declared)).df()


class _ArrowReader:
    name = "pyarrow"

    def __init__(self, pyarrow):
        import pyarrow.dataset

        self.dataset = pyarrow.dataset
        self.pa = pyarrow

    def read(self, files, columns, where, declared):
        ds = self.dataset.dataset(files, format="parquet")
        condition = None
        for column, values in where.items():
            kind = declared.get(column, "string")
            if kind == "date":
                values = [_dt.date.fromisoformat(str(v)[:10]) for v in values]
            term = self.dataset.field(column).isin(values)
            condition = term if condition is None else condition & term
        return ds.to_table(columns=columns, filter=condition).to_pandas()


class _JdbcReader:
    """DuckDB's JDBC driver in a JVM inside this kernel (JPype); columns fetched by type."""

    name = "DuckDB JDBC via JPype"

    def __init__(self):
        import jpype

        if not jpype.isJVMStarted():
            classpath = [str(duckdb_jar())]
            # Debian installs JPype's support jar apart from the module; the JVM needs it.
            classpath += [p for p in ("/usr/share/java/org.jpype.jar",) if os.path.exists(p)]
            jpype.startJVM(classpath=classpath, convertStrings=False)
        driver_manager = jpype.JClass("java.sql.DriverManager")
        jpype.JClass("org.duckdb.DuckDBDriver")
        self.connection = driver_manager.getConnection("jdbc:duckdb:")

    def read(self, files, columns, where, declared):
        statement = self.connection.createStatement()
        try:
            if columns is None:
                described = statement.executeQuery(
                    "DESCRIBE " + _sql(files, None, {}, declared)
                )
                columns = []
                while described.next():
                    columns.append(str(described.getString(1)))
            # Dates travel as epoch days and timestamps as epoch microseconds: exact and cheap.
            def expression(column, kind):
                if kind == "date":
                    return f"CAST(date_diff('day', DATE '1970-01-01', {_ident(column)}) AS BIGINT)"
                if kind == "timestamp":
                    return f"epoch_us({_ident(column)})"
                return _ident(column)

            rs = statement.executeQuery(_sql(files, columns, where, declared, expression))
            kinds = [declared.get(c, "string") for c in columns]
            getters = []
            for k in kinds:
                if k in ("long", "integer", "date", "timestamp"):
                    getters.append(lambda i: int(rs.getLong(i)))
                elif k == "double":
                    getters.append(lambda i: float(rs.getDouble(i)))
                elif k == "boolean":
                    getters.append(lambda i: bool(rs.getBoolean(i)))
                else:
                    getters.append(lambda i: str(rs.getString(i)))
            data = [[] for _ in columns]
            indexes = list(range(len(columns)))
            while rs.next():
                for i in indexes:
                    value = getters[i](i + 1)
                    data[i].append(None if rs.wasNull() else value)
        finally:
            statement.close()
        frame = {}
        for column, kind, values in zip(columns, kinds, data):
            if kind == "date":
                frame[column] = pd.to_datetime(pd.array(values, dtype="Int64"), unit="D")
            elif kind == "timestamp":
                frame[column] = pd.to_datetime(pd.array(values, dtype="Int64"), unit="us", utc=True)
            elif kind == "double":
                frame[column] = pd.array([math.nan if v is None else v for v in values], dtype="float64")
            elif kind in ("long", "integer"):
                frame[column] = pd.array(values, dtype="Int64")
            elif kind == "boolean":
                frame[column] = pd.array(values, dtype="boolean")
            else:
                frame[column] = pd.Series(values, dtype=object)
        return pd.DataFrame(frame, columns=columns)


def duckdb_jar() -> pathlib.Path:
    """The DuckDB JDBC jar: $FUNNEL_DUCKDB_JAR, notebooks/.jars (install.sh), or ~/.m2."""
    explicit = os.environ.get("FUNNEL_DUCKDB_JAR")
    if explicit:
        return pathlib.Path(explicit)
    candidates = sorted(glob.glob(str(HERE / ".jars" / "duckdb_jdbc-*.jar")))
    if not candidates:
        m2 = pathlib.Path.home() / ".m2" / "repository" / "org" / "duckdb" / "duckdb_jdbc"
        candidates = sorted(
            glob.glob(str(m2 / "*" / "duckdb_jdbc-*.jar")),
            key=lambda p: [int(x) if x.isdigit() else x for x in pathlib.Path(p).parent.name.split(".")],
        )
    if not candidates:
        raise FileNotFoundError(
            "no DuckDB JDBC jar found: run notebooks/install.sh (or pip install duckdb)"
        )
    return pathlib.Path(candidates[-1])


def _reader():
    forced = os.environ.get("FUNNEL_READER")
    if forced not in (None, "", "duckdb", "pyarrow", "jdbc"):
        raise ValueError(f"FUNNEL_READER must be duckdb, pyarrow or jdbc, found {forced!r}")
    if forced in (None, "", "duckdb"):
        try:
            import duckdb

            return _DuckDbReader(duckdb)
        except ImportError:
            if forced:
                raise
    if forced in (None, "", "pyarrow"):
        try:
            import pyarrow

            return _ArrowReader(pyarrow)
        except ImportError:
            if forced:
                raise
    return _JdbcReader()


# --------------------------------------------------------------------------------------------
# Funnel structure and statistics the tables do not hold


def main_path(run: Run) -> list[str]:
    """The funnel's main path in order (first stage ... won stage), from stage_conversion's
    stage -> next_stage pairs (the configuration is not part of the output)."""
    pairs = run.table("stage_conversion", columns=["stage", "next_stage"]).drop_duplicates()
    following = dict(zip(pairs["stage"], pairs["next_stage"]))
    (first,) = set(following) - set(following.values())
    path = [first]
    while path[-1] in following:
        path.append(following[path[-1]])
    return path


def hours_until(instants: pd.Series, until: pd.Timestamp) -> pd.Series:
    """Fractional hours from each instant to ``until``, from whole microseconds as the job
    computes them (``Visit.hoursBetween``)."""
    micros = (until - instants) // pd.Timedelta(microseconds=1)
    return micros.astype("float64") / 3_600_000_000.0


def kaplan_meier(exits, censored):
    """Kaplan-Meier survival of time in stage, as the job defines it (``stats.KaplanMeier``):
    visits still open are right-censored at the as-of instant; at equal times exits come before
    censorings, so a visit censored at t is still at risk at t. Returns (exit times, S after
    each), one entry per distinct exit time."""
    import numpy as np

    exits = np.sort(np.asarray(exits, dtype=float))
    censored = np.sort(np.asarray(censored, dtype=float))
    times, first = np.unique(exits, return_index=True)
    deaths = np.diff(np.append(first, len(exits)))
    # At risk at t: everyone minus the exits before t and the censorings strictly before t.
    at_risk = len(exits) + len(censored) - first - np.searchsorted(censored, times, side="left")
    return times, np.cumprod(1.0 - deaths / at_risk)


def km_quantile(times, survival, q: float):
    """The smallest exit time t with S(t) <= 1 - q (the job's ``KaplanMeier.quantile``, with its
    rounding slack), or None when the estimate never falls that low."""
    import numpy as np

    slack = 1e-12 + (np.arange(len(survival)) + 1) * 1e-15
    hit = np.nonzero(survival <= 1.0 - q + slack)[0]
    return float(times[hit[0]]) if len(hit) else None


def type7_percentile(values, q: float):
    """R's type-7 percentile (the job's ``stats.Percentiles``; numpy's default "linear"), or
    None for no values."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    return float(np.percentile(values, 100 * q)) if len(values) else None


# --------------------------------------------------------------------------------------------
# Figures


def plotted_points(fig) -> dict:
    """Data points each axes of the figure draws (lines, markers, bars, areas, images); reference
    lines and spans (axhline, axvspan: not in data coordinates) do not count."""
    import numpy as np

    def in_data(transform):
        return transform.contains_branch(ax.transData)

    counts = {}
    for k, ax in enumerate(fig.axes):
        if not ax.axison:
            continue  # a text panel, not a plot
        n = 0
        for line in ax.get_lines():
            xy = np.asarray(line.get_xydata(), dtype=float)
            if in_data(line.get_transform()) and xy.size:
                n += int(np.isfinite(xy).all(axis=1).sum())
        for patch in ax.patches:
            if in_data(patch.get_transform()) and hasattr(patch, "get_height"):
                h, w = patch.get_height(), patch.get_width()
                n += int(np.isfinite(h) and np.isfinite(w) and h != 0 and w != 0)
        for collection in ax.collections:
            offsets = np.asarray(collection.get_offsets(), dtype=float)
            if in_data(collection.get_offset_transform()) and offsets.ndim == 2 and len(offsets):
                n += int(np.isfinite(offsets).all(axis=1).sum())
            elif in_data(collection.get_transform()):
                n += sum(1 for p in collection.get_paths() if len(p.vertices))
        for image in ax.images:
            n += int(np.isfinite(np.asarray(image.get_array(), dtype=float)).sum())
        counts[f"{k + 1}: {ax.get_title()}" if ax.get_title() else f"axes {k + 1}"] = n
    return counts


def show(fig, name: str | None = None):
    """Displays the figure after checking that each of its plots draws data; then closes it."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    suptitle = fig._suptitle.get_text() if fig._suptitle else ""
    title = name or suptitle or next((ax.get_title() for ax in fig.axes if ax.get_title()), "figure")
    counts = plotted_points(fig)
    empty = [axes for axes, n in counts.items() if n == 0]
    if not counts or empty:
        plt.close(fig)
        raise AssertionError(f"figure {title!r} plots nothing in {empty or 'any axes'}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    display(
        {"image/png": buffer.getvalue()},
        raw=True,
        metadata={FIGURE_METADATA: {"name": title, "points": counts}},
    )
