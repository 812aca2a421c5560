package dev.funnel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import org.apache.spark.storage.RDDInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A Spark listener for the benchmark, registered in the child JVM with {@code
 * -Dspark.extraListeners=dev.funnel.bench.ShuffleCounter}: records every completed stage (name,
 * tasks, duration, input, shuffle read and write records, spills) and samples the JVM heap, then
 * writes it all as JSON to the path in the system property {@value #OUTPUT_PROPERTY} when the
 * application ends.
 *
 * <p>A stage that wrote at least half as many shuffle records as the input has events (system
 * property {@value #EVENTS_PROPERTY}; otherwise the most input records any stage read) is an
 * event-level shuffle. Self-contained (Spark and the JDK only), so it can sit next to the product
 * jar on the child's classpath.
 */
public final class ShuffleCounter extends SparkListener {
  /** System property: where to write the JSON. */
  public static final String OUTPUT_PROPERTY = "funnel.bench.stages";

  /** System property: the number of input events (for the event-level threshold). */
  public static final String EVENTS_PROPERTY = "funnel.bench.events";

  /** A stage counts as an event-level shuffle from this fraction of the events. */
  public static final double EVENT_LEVEL_FRACTION = 0.5;

  private static final long SAMPLE_MILLIS = 100;

  private final List<Stage> stages = new ArrayList<>();
  private final Map<Integer, Long> stageExecutions = new HashMap<>();
  private final Map<Long, String> queries = new HashMap<>();
  private final AtomicLong peakHeapUsed = new AtomicLong();
  private final AtomicLong peakHeapAfterGc = new AtomicLong();
  private final long started = System.currentTimeMillis();
  private final List<MemoryPoolMXBean> heapPools = new ArrayList<>();

  /** Starts the heap sampler (a daemon thread, every 100 ms). */
  public ShuffleCounter() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool);
      }
    }
    Thread sampler = new Thread(this::sampleForever, "bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sampleForever() {
    while (true) {
      sample();
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    peakHeapUsed.accumulateAndGet(
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
    long afterGc = 0;
    for (MemoryPoolMXBean pool : heapPools) {
      MemoryUsage usage = pool.getCollectionUsage();
      if (usage != null) {
        afterGc += usage.getUsed();
      }
    }
    peakHeapAfterGc.accumulateAndGet(afterGc, Math::max);
  }

  /** One completed stage attempt. */
  private record Stage(
      int id,
      int attempt,
      String name,
      int tasks,
      long startMillis,
      long millis,
      long taskMillis,
      long inputRecords,
      long shuffleReadRecords,
      long shuffleWriteRecords,
      long shuffleWriteBytes,
      long diskSpilledBytes,
      boolean failed,
      long executionId,
      String operators) {

    String json(Map<Long, String> queries) {
      return String.format(
          Locale.ROOT,
          "{\"id\":%d,\"attempt\":%d,\"name\":%s,\"query\":%s,\"operators\":%s,"
              + "\"tasks\":%d,\"start_ms\":%d,"
              + "\"seconds\":%.3f,\"task_seconds\":%.3f,\"input_records\":%d,"
              + "\"shuffle_read_records\":%d,\"shuffle_write_records\":%d,"
              + "\"shuffle_write_bytes\":%d,\"disk_spilled_bytes\":%d,\"failed\":%b}",
          id,
          attempt,
          quote(name),
          quote(queries.getOrDefault(executionId, "")),
          quote(operators),
          tasks,
          startMillis,
          millis / 1e3,
          taskMillis / 1e3,
          inputRecords,
          shuffleReadRecords,
          shuffleWriteRecords,
          shuffleWriteBytes,
          diskSpilledBytes,
          failed);
    }
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted completed) {
    StageInfo info = completed.stageInfo();
    TaskMetrics m = info.taskMetrics();
    long submitted = info.submissionTime().isDefined() ? (Long) info.submissionTime().get() : 0;
    long done = info.completionTime().isDefined() ? (Long) info.completionTime().get() : submitted;
    stages.add(
        new Stage(
            info.stageId(),
            info.attemptNumber(),
            info.name(),
            info.numTasks(),
            submitted == 0 ? 0 : submitted - started,
            done - submitted,
            m == null ? 0 : m.executorRunTime(),
            m == null ? 0 : m.inputMetrics().recordsRead(),
            m == null ? 0 : m.shuffleReadMetrics().recordsRead(),
            m == null ? 0 : m.shuffleWriteMetrics().recordsWritten(),
            m == null ? 0 : m.shuffleWriteMetrics().bytesWritten(),
            m == null ? 0 : m.diskBytesSpilled(),
            info.failureReason().isDefined(),
            stageExecutions.getOrDefault(info.stageId(), -1L),
            operators(info)));
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    String execution = jobStart.properties().getProperty("spark.sql.execution.id");
    if (execution != null) {
      for (Object stageId : CollectionConverters.asJava(jobStart.stageIds())) {
        stageExecutions.put((Integer) stageId, Long.parseLong(execution));
      }
    }
  }

  @Override
  public synchronized void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerSQLExecutionStart start) {
      queries.put(start.executionId(), start.description());
    }
  }

  /** The distinct operator scopes of a stage's RDDs ("Exchange", "Scan parquet", ...). */
  private static String operators(StageInfo info) {
    Set<String> names = new LinkedHashSet<>();
    for (RDDInfo rdd : CollectionConverters.asJava(info.rddInfos())) {
      if (rdd.scope().isDefined()) {
        names.add(rdd.scope().get().name().replaceAll("\\s*\\(\\d+\\)$", "").strip());
      }
    }
    return String.join(", ", names);
  }

  @Override
  public synchronized void onApplicationEnd(SparkListenerApplicationEnd end) {
    sample();
    String path = System.getProperty(OUTPUT_PROPERTY);
    if (path == null) {
      return;
    }
    long maxInput = stages.stream().mapToLong(Stage::inputRecords).max().orElse(0);
    long events = Long.getLong(EVENTS_PROPERTY, maxInput);
    long threshold = (long) Math.ceil(events * EVENT_LEVEL_FRACTION);
    int shuffleStages = 0;
    long shuffleRecords = 0;
    int eventLevelStages = 0;
    long eventLevelRecords = 0;
    List<String> eventLevelIds = new ArrayList<>();
    for (Stage stage : stages) {
      if (stage.shuffleWriteRecords() > 0) {
        shuffleStages++;
        shuffleRecords += stage.shuffleWriteRecords();
        if (stage.shuffleWriteRecords() >= threshold) {
          eventLevelStages++;
          eventLevelRecords += stage.shuffleWriteRecords();
          eventLevelIds.add(Integer.toString(stage.id()));
        }
      }
    }
    String json =
        String.format(
            Locale.ROOT,
            "{\"events\":%d,\"threshold_records\":%d,\"stages_completed\":%d,"
                + "\"shuffle_stages\":%d,\"shuffle_records\":%d,\"event_level_shuffles\":%d,"
                + "\"event_level_shuffle_records\":%d,\"event_level_stage_ids\":[%s],"
                + "\"max_heap_bytes\":%d,\"peak_heap_used_bytes\":%d,"
                + "\"peak_heap_after_gc_bytes\":%d,\"stages\":[%n%s%n]}%n",
            events,
            threshold,
            stages.size(),
            shuffleStages,
            shuffleRecords,
            eventLevelStages,
            eventLevelRecords,
            String.join(",", eventLevelIds),
            Runtime.getRuntime().maxMemory(),
            peakHeapUsed.get(),
            peakHeapAfterGc.get(),
            stages.stream().map(st -> st.json(queries)).collect(Collectors.joining(",\n")));
    try {
      Files.writeString(Path.of(path), json, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : (s == null ? "" : s).toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
