package dev.funnel.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_micros;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Generates realistic synthetic stage events in parallel with Spark and writes them as Parquet,
 * with a {@code _truth.json} describing the spec and the injected anomalies.
 *
 * <p>Each lead is simulated by an executor from its index alone, so nothing is collected on the
 * driver and the data depends only on the spec, never on the partitioning. The data: leads created
 * over the period (weekends at ~30% of weekday volume, a yearly curve of +-20%, a quiet Christmas
 * week, 15% yearly growth) mostly during office hours in {@link SyntheticFunnel#ZONE}; stage
 * durations lognormal from hours to weeks, events outside office hours mostly moved to the next
 * working morning; sources, segments, regions and owners with their own conversion rates and
 * speeds, owners in particular differing in how long leads wait in {@code mql} (hours for rep_01,
 * days for rep_10); lognormal amounts from mql or sql on, sometimes revised later; dimension values
 * sometimes missing on the first events or never set, owners sometimes reassigned and small
 * customers sometimes upgraded (so first touch matters); skipped stages, moves back, re-entries,
 * lost or disqualified leads that are reopened, about 0.5% exact duplicate events, and open leads
 * at the end. A few events fall up to a week after the period, as data arriving late.
 */
public final class EventGenerator {
  /** The schema of the written events, in column order. */
  public static final StructType SCHEMA =
      new StructType()
          .add("lead_id", DataTypes.StringType, true)
          .add("stage", DataTypes.StringType, true)
          .add("entered_at", DataTypes.TimestampType, true)
          .add("amount", DataTypes.DoubleType, true)
          .add(SyntheticFunnel.SOURCE, DataTypes.StringType, true)
          .add(SyntheticFunnel.SEGMENT, DataTypes.StringType, true)
          .add(SyntheticFunnel.OWNER, DataTypes.StringType, true)
          .add(SyntheticFunnel.REGION, DataTypes.StringType, true);

  /**
   * What the simulation emits: {@link #SCHEMA} with {@code entered_at} as epoch microseconds, so
   * executors build no timestamp objects and the result does not depend on the session's Java 8
   * datetime API setting.
   */
  static final StructType SIMULATED_SCHEMA =
      new StructType()
          .add("lead_id", DataTypes.StringType, true)
          .add("stage", DataTypes.StringType, true)
          .add("entered_at_micros", DataTypes.LongType, true)
          .add("amount", DataTypes.DoubleType, true)
          .add(SyntheticFunnel.SOURCE, DataTypes.StringType, true)
          .add(SyntheticFunnel.SEGMENT, DataTypes.StringType, true)
          .add(SyntheticFunnel.OWNER, DataTypes.StringType, true)
          .add(SyntheticFunnel.REGION, DataTypes.StringType, true);

  /**
   * Average events per generated lead (duplicates included), rounded down from 2.82 measured on
   * 12-month runs without anomalies: size a dataset with {@code leads = events /
   * AVERAGE_EVENTS_PER_LEAD}. A 3-month period gives about 2.68, as more leads are still open at
   * its end.
   */
  public static final double AVERAGE_EVENTS_PER_LEAD = 2.8;

  /** The name of the truth file inside the output directory; Spark readers skip it. */
  public static final String TRUTH_FILE = "_truth.json";

  private EventGenerator() {}

  /**
   * Generates the spec's events into {@code outputDir} as Parquet (replacing what is there) with
   * {@link #SCHEMA}, then writes {@link #TRUTH_FILE} next to them.
   *
   * @return the number of events written, counted from the written data
   */
  public static long generate(SparkSession spark, GeneratorSpec spec, String outputDir) {
    if (spark == null || spec == null) {
      throw new IllegalArgumentException("spark and spec are required, got " + spark + ", " + spec);
    }
    if (outputDir == null || outputDir.isBlank()) {
      throw new IllegalArgumentException("outputDir '" + outputDir + "' is empty");
    }
    events(spark, spec).write().mode(SaveMode.Overwrite).parquet(outputDir);
    long written = spark.read().schema(SCHEMA).parquet(outputDir).count();
    writeTruth(spark, spec, written, outputDir);
    return written;
  }

  /** The spec's events as a lazy Dataset with {@link #SCHEMA}, computed on the executors. */
  public static Dataset<Row> events(SparkSession spark, GeneratorSpec spec) {
    LeadSimulator simulator = new LeadSimulator(spec);
    FlatMapFunction<Long, Row> simulate = index -> simulator.events(index).iterator();
    Dataset<Row> simulated =
        spark
            .range(0, spec.leads(), 1, spec.effectivePartitions())
            .flatMap(simulate, Encoders.row(SIMULATED_SCHEMA));
    return simulated.select(
        col("lead_id"),
        col("stage"),
        timestamp_micros(col("entered_at_micros")).as("entered_at"),
        col("amount"),
        col(SyntheticFunnel.SOURCE),
        col(SyntheticFunnel.SEGMENT),
        col(SyntheticFunnel.OWNER),
        col(SyntheticFunnel.REGION));
  }

  /** The content of {@link #TRUTH_FILE}: spec, vocabulary and anomalies. */
  public static Map<String, Object> truth(GeneratorSpec spec, long eventsWritten) {
    Map<String, Object> specMap = new LinkedHashMap<>();
    specMap.put("seed", spec.seed());
    specMap.put("leads", spec.leads());
    specMap.put("start", spec.start().toString());
    specMap.put("months", spec.months());
    specMap.put("end_exclusive", spec.end().toString());
    specMap.put("partitions", spec.effectivePartitions());
    specMap.put("weekly_variation", spec.weeklyVariation());
    specMap.put("timing", spec.timing().name().toLowerCase(java.util.Locale.ROOT));
    Map<String, Object> stages = new LinkedHashMap<>();
    stages.put("main_path", SyntheticFunnel.MAIN_PATH);
    stages.put("lost_stages", SyntheticFunnel.LOST_STAGES);
    List<Map<String, Object>> anomalies = new ArrayList<>();
    for (InjectedAnomaly anomaly : spec.anomalies()) {
      anomalies.add(anomaly.toJsonMap());
    }
    Map<String, Object> truth = new LinkedHashMap<>();
    truth.put("generator", EventGenerator.class.getName());
    truth.put("spec", specMap);
    truth.put("zone", SyntheticFunnel.ZONE.getId());
    truth.put("events_written", eventsWritten);
    truth.put("stages", stages);
    truth.put("dimensions", SyntheticFunnel.VALUES);
    truth.put("anomalies", anomalies);
    return truth;
  }

  private static void writeTruth(
      SparkSession spark, GeneratorSpec spec, long written, String outputDir) {
    Path path = new Path(outputDir, TRUTH_FILE);
    try {
      byte[] json =
          new ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsBytes(truth(spec, written));
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(path, true)) {
        out.write(json);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
