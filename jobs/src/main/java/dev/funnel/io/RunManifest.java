package dev.funnel.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The run manifest {@code OUTPUT/_runs/YYYY-MM-DD.json}, written atomically. */
public final class RunManifest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunManifest() {}

  /** The manifest path of an as-of day. */
  public static Path path(String output, LocalDate asOf) {
    return new Path(new Path(output, "_runs"), asOf + ".json");
  }

  /** Writes the manifest (a map of JSON-friendly values) via a temporary file and a rename. */
  public static void write(
      Configuration hadoop, String output, LocalDate asOf, Map<String, Object> content) {
    Path target = path(output, asOf);
    Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try {
      FileSystem fs = target.getFileSystem(hadoop);
      fs.mkdirs(target.getParent());
      try (OutputStream out = fs.create(temporary, true)) {
        JSON.writeValue(out, content);
      }
      fs.delete(target, false);
      if (!fs.rename(temporary, target)) {
        throw new IOException("could not rename " + temporary + " to " + target);
      }
      HaltPoint.reach("after-manifest");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write run manifest " + target, e);
    }
  }

  /** Reads a manifest back (for tests and the summary). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(Configuration hadoop, String output, LocalDate asOf) {
    Path target = path(output, asOf);
    try {
      FileSystem fs = target.getFileSystem(hadoop);
      try (java.io.InputStream in = fs.open(target)) {
        return JSON.readValue(in, Map.class);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read run manifest " + target, e);
    }
  }
}
