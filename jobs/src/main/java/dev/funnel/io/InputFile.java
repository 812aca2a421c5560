package dev.funnel.io;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One input data file as a run read it: what the run manifest records so that a later backfill can
 * tell which as-of days' inputs changed (late-arriving data).
 *
 * @param path the fully qualified path
 * @param size length in bytes
 * @param modifiedAt the file system's modification time
 * @param earliestEnteredAt the smallest {@code entered_at} of the file according to its Parquet
 *     footer statistics; null when unknown (no statistics, a type without usable statistics, or a
 *     null {@code entered_at} in the file)
 */
public record InputFile(String path, long size, Instant modifiedAt, Instant earliestEnteredAt) {

  /**
   * Whether this file can change the run of a day whose as-of instant is {@code asOf}: unless its
   * footer proves that every row is at or after that instant (such rows are ignored by that run),
   * it can.
   */
  public boolean mayAffect(Instant asOf) {
    return earliestEnteredAt == null || earliestEnteredAt.isBefore(asOf);
  }

  /** The same file, unchanged: same path, size and modification time. */
  public boolean sameAs(InputFile other) {
    return path.equals(other.path) && size == other.size && modifiedAt.equals(other.modifiedAt);
  }

  /** The manifest entry: path, size, modified_at and earliest_entered_at (null when unknown). */
  public Map<String, Object> toManifest() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("size", size);
    m.put("modified_at", modifiedAt.toString());
    m.put("earliest_entered_at", earliestEnteredAt == null ? null : earliestEnteredAt.toString());
    return m;
  }

  /** Reads a manifest entry written by {@link #toManifest()}. */
  public static InputFile fromManifest(Map<?, ?> m) {
    Object earliest = m.get("earliest_entered_at");
    return new InputFile(
        (String) m.get("path"),
        ((Number) m.get("size")).longValue(),
        Instant.parse((String) m.get("modified_at")),
        earliest == null ? null : Instant.parse((String) earliest));
  }
}
