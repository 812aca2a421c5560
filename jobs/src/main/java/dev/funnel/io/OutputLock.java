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
 * records the holder's host, pid, run id and start time. A lock whose holder ran on this host and
 * whose process is gone is stale and is taken over; any other held lock makes the run wait (up to a
 * limit) and then refuse with {@link LockedException}.
 */
public final class OutputLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE = "_lock";
  private static final Duration UNREADABLE_GRACE = Duration.ofSeconds(10);

  private final FileSystem fs;
  private final Path path;

  private OutputLock(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
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
      while (true) {
        if (tryCreate(fs, path, runId)) {
          return new OutputLock(fs, path);
        }
        Map<String, Object> holder = readHolder(fs, path);
        if (isStale(holder) && (!holder.isEmpty() || olderThan(fs, path, UNREADABLE_GRACE))) {
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

  private static boolean tryCreate(FileSystem fs, Path path, String runId) throws IOException {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("host", hostName());
    content.put("pid", ProcessHandle.current().pid());
    content.put("run_id", runId);
    content.put("started_at", Instant.now().toString());
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

  private static String describe(Map<String, Object> holder) {
    return String.format(
        "host %s, pid %s, run %s, since %s",
        holder.get("host"), holder.get("pid"), holder.get("run_id"), holder.get("started_at"));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      LOG.warn("could not remove the lock {}: {}", path, e.getMessage());
    }
  }
}
