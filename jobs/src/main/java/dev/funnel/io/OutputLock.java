package dev.funnel.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock file {@code OUTPUT/_lock} that keeps two runs from writing the same output at once. It
 * records the holder's host, pid, run id, start time and a lease: the holder rewrites the file with
 * a new {@code heartbeat_at} every heartbeat interval, and a lock whose last heartbeat is older
 * than its {@code lease_seconds} is expired, whichever host held it (a driver that died on another
 * node frees the output once its lease runs out). A lock whose holder ran on this host and whose
 * process is gone is stale at once. Expired and stale locks are taken over; any other held lock
 * makes the run wait (up to a limit) and then refuse with {@link LockedException}.
 *
 * <p>The lease is {@value #LEASE_KEY} in the Hadoop configuration (default {@value #DEFAULT_LEASE};
 * e.g. {@code --conf spark.hadoop.funnel.lock.lease=30m}), the heartbeat interval {@value
 * #HEARTBEAT_KEY} (default a tenth of the lease). Expiry compares the holder's clock (the heartbeat
 * time it wrote) with the reader's, so hosts' clocks must agree to well within the lease (NTP). A
 * holder that could not renew its lease within the lease, or whose lock was taken over, has lost
 * it: {@link #verifyHeld()} then fails, so the run does not publish.
 */
public final class OutputLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE = "_lock";
  private static final Duration UNREADABLE_GRACE = Duration.ofSeconds(10);

  /** Hadoop configuration key of the lease duration (a Hadoop time duration: 600s, 10m). */
  public static final String LEASE_KEY = "funnel.lock.lease";

  /** Hadoop configuration key of the heartbeat interval (default: a tenth of the lease). */
  public static final String HEARTBEAT_KEY = "funnel.lock.heartbeat";

  /** The default lease. */
  public static final String DEFAULT_LEASE = "10m";

  private final FileSystem fs;
  private final Path path;
  private final String runId;
  private final Map<String, Object> content;
  private final Duration lease;
  private final java.util.concurrent.ScheduledExecutorService heartbeat;
  private volatile long lastRenewedNanos = System.nanoTime();
  private volatile String lost;

  private OutputLock(
      FileSystem fs, Path path, String runId, Map<String, Object> content, Configuration hadoop) {
    this.fs = fs;
    this.path = path;
    this.runId = runId;
    this.content = content;
    this.lease = lease(hadoop);
    Duration interval = heartbeatInterval(hadoop, lease);
    this.heartbeat =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "output-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleWithFixedDelay(
        this::renew,
        interval.toMillis(),
        interval.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The lease from the Hadoop configuration. */
  static Duration lease(Configuration hadoop) {
    return Duration.ofMillis(
        hadoop.getTimeDuration(
            LEASE_KEY, DEFAULT_LEASE, java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  private static Duration heartbeatInterval(Configuration hadoop, Duration lease) {
    long millis =
        hadoop.getTimeDuration(
            HEARTBEAT_KEY, lease.toMillis() / 10, java.util.concurrent.TimeUnit.MILLISECONDS);
    return Duration.ofMillis(Math.max(50, millis));
  }

  /** Another run holds the output since this run took it, or the lease could not be renewed. */
  public static final class LostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LostException(String message) {
      super(message);
    }
  }

  /** Another live run holds the output. */
  public static final class LockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LockedException(String message) {
      super(message);
    }
  }

  /** Takes the lock of {@code output}, waiting at most {@code wait} for another run to finish. */
  public static OutputLock acquire(
      Configuration hadoop, String output, String runId, Duration wait) {
    Path path = new Path(output, FILE);
    Instant deadline = Instant.now().plus(wait);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      fs.mkdirs(path.getParent());
      Duration lease = lease(hadoop);
      while (true) {
        Map<String, Object> content = content(runId, lease);
        if (tryCreate(fs, path, content)) {
          return new OutputLock(fs, path, runId, content, hadoop);
        }
        Map<String, Object> holder = readHolder(fs, path);
        boolean free =
            holder.isEmpty()
                ? olderThan(fs, path, UNREADABLE_GRACE)
                : isStale(holder) || isExpired(holder, Instant.now());
        if (free) {
          LOG.warn("removing stale lock {} left by {}", path, holder);
          fs.delete(path, false);
          continue;
        }
        if (!Instant.now().isBefore(deadline)) {
          throw new LockedException(
              String.format(
                  "output %s is locked by another run (%s); wait for it to finish, or delete %s"
                      + " if that run is certainly dead",
                  output, describe(holder), path));
        }
        Thread.sleep(1000);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the lock " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the lock " + path, e);
    }
  }

  private static Map<String, Object> content(String runId, Duration lease) {
    Map<String, Object> content = new LinkedHashMap<>();
    String now = Instant.now().toString();
    content.put("host", hostName());
    content.put("pid", ProcessHandle.current().pid());
    content.put("run_id", runId);
    content.put("started_at", now);
    content.put("heartbeat_at", now);
    content.put("lease_seconds", lease.toMillis() / 1000.0);
    return content;
  }

  private static boolean tryCreate(FileSystem fs, Path path, Map<String, Object> content)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(content);
    if (fs instanceof LocalFileSystem local) {
      // Hadoop's local create(overwrite=false) checks and creates in two steps; NIO is atomic.
      java.nio.file.Path file = local.pathToFile(path).toPath();
      try {
        java.nio.file.Files.write(file, bytes, java.nio.file.StandardOpenOption.CREATE_NEW);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(path, false)) {
      out.write(bytes);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  private static boolean olderThan(FileSystem fs, Path path, Duration age) {
    try {
      long modified = fs.getFileStatus(path).getModificationTime();
      return Instant.ofEpochMilli(modified).plus(age).isBefore(Instant.now());
    } catch (IOException e) {
      return true;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readHolder(FileSystem fs, Path path) {
    try (java.io.InputStream in = fs.open(path)) {
      return JSON.readValue(in, Map.class);
    } catch (IOException | RuntimeException e) {
      // Unreadable: a holder killed while writing it, or the file just vanished.
      return Map.of();
    }
  }

  /** A lock is stale when its holder ran on this host and that process no longer exists. */
  static boolean isStale(Map<String, Object> holder) {
    Object host = holder.get("host");
    Object pid = holder.get("pid");
    if (host == null || pid == null) {
      return true;
    }
    if (!hostName().equals(host)) {
      return false;
    }
    long holderPid = ((Number) pid).longValue();
    return holderPid != ProcessHandle.current().pid()
        && ProcessHandle.of(holderPid).map(p -> !p.isAlive()).orElse(true);
  }

  /**
   * A lock is expired when its last heartbeat plus its lease is before {@code now}. Locks written
   * without a lease never expire (only the same-host rule applies to them).
   */
  static boolean isExpired(Map<String, Object> holder, Instant now) {
    Object heartbeatAt = holder.get("heartbeat_at");
    Object leaseSeconds = holder.get("lease_seconds");
    if (!(heartbeatAt instanceof String beat) || !(leaseSeconds instanceof Number seconds)) {
      return false;
    }
    try {
      Instant expiry = Instant.parse(beat).plusMillis(Math.round(seconds.doubleValue() * 1000));
      return expiry.isBefore(now);
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  private static String describe(Map<String, Object> holder) {
    return String.format(
        "host %s, pid %s, run %s, since %s, last heartbeat %s",
        holder.get("host"),
        holder.get("pid"),
        holder.get("run_id"),
        holder.get("started_at"),
        holder.get("heartbeat_at"));
  }

  /**
   * Renews the lease: rewrites the lock with a new heartbeat time, unless the lock is no longer
   * this run's or the last renewal is older than the lease (then another run may have taken it over
   * already, and writing would clobber its lock).
   */
  private synchronized void renew() {
    if (lost != null) {
      return;
    }
    long sinceRenewal = System.nanoTime() - lastRenewedNanos;
    if (sinceRenewal > lease.toNanos()) {
      lose(
          String.format(
              "the lease of %s could not be renewed for %d s (lease %d s)",
              path, sinceRenewal / 1_000_000_000L, lease.toSeconds()));
      return;
    }
    Map<String, Object> holder = readHolder(fs, path);
    if (!holder.isEmpty() && !runId.equals(holder.get("run_id"))) {
      lose(String.format("the lock %s was taken over by another run (%s)", path, describe(holder)));
      return;
    }
    try {
      content.put("heartbeat_at", Instant.now().toString());
      byte[] bytes = JSON.writeValueAsBytes(content);
      if (fs instanceof LocalFileSystem local) {
        // Readers never see a half-written local lock: write beside it, then move it over.
        java.nio.file.Path file = local.pathToFile(path).toPath();
        java.nio.file.Path temporary = file.resolveSibling("." + FILE + "." + runId + ".tmp");
        java.nio.file.Files.write(temporary, bytes);
        java.nio.file.Files.move(
            temporary,
            file,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } else {
        // One PUT on object stores; on HDFS a reader may catch it half-written, which counts as
        // held (its modification time is fresh).
        try (OutputStream out = fs.create(path, true)) {
          out.write(bytes);
        }
      }
      lastRenewedNanos = System.nanoTime();
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not renew the lease of {}: {}", path, e.getMessage());
    }
  }

  private boolean exists() {
    try {
      return fs.exists(path);
    } catch (IOException e) {
      return true;
    }
  }

  private void lose(String why) {
    lost = why;
    LOG.error("output lock lost: {}", why);
    heartbeat.shutdownNow();
  }

  /**
   * Fails with {@link LostException} unless this run still holds the lock: its lease was renewed in
   * time and the lock file still names this run. Call it before publishing.
   */
  public synchronized void verifyHeld() {
    if (lost == null) {
      if (System.nanoTime() - lastRenewedNanos > lease.toNanos()) {
        lose("the lease of " + path + " expired before the run finished");
      } else {
        Map<String, Object> holder = readHolder(fs, path);
        if (holder.isEmpty() && !exists()) {
          lose("the lock " + path + " was removed");
        } else if (!holder.isEmpty() && !runId.equals(holder.get("run_id"))) {
          lose(
              String.format(
                  "the lock %s was taken over by another run (%s)", path, describe(holder)));
        }
      }
    }
    if (lost != null) {
      throw new LostException(
          "this run lost the output lock, so it does not publish: " + lost + "; re-run the day");
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  /** Stops the heartbeats and releases the lock, unless another run has taken it over. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Map<String, Object> holder = readHolder(fs, path);
    if (!holder.isEmpty() && !runId.equals(holder.get("run_id"))) {
      LOG.warn("not removing the lock {}: it is held by {}", path, describe(holder));
      return;
    }
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      LOG.warn("could not remove the lock {}: {}", path, e.getMessage());
    }
  }
}
