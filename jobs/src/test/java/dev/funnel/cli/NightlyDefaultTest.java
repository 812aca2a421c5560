package dev.funnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.Events;
import dev.funnel.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} without {@code --as-of} publishes yesterday in the funnel's time zone. */
class NightlyDefaultTest {
  @TempDir Path tmp;

  @Test
  void runWithoutAsOfPublishesYesterdayInTheFunnelsZone() throws Exception {
    String input =
        new Events()
            .add("L1", "lead", "2025-01-06T10:00:00Z")
            .add("L1", "mql", "2025-01-07T10:00:00Z")
            .write(SparkTestSession.get(), tmp);
    Path config = tmp.resolve("funnel.yaml");
    // Pacific/Kiritimati is UTC+14: its yesterday is often not the machine's (UTC) yesterday.
    Files.writeString(
        config,
        "name: t\ntimezone: Pacific/Kiritimati\nstages: [lead, mql, won]\nlost_stages: [lost]\n"
            + "conversion_window_days: 30\n");
    ZoneId zone = ZoneId.of("Pacific/Kiritimati");
    LocalDate before = LocalDate.now(zone).minusDays(1);
    ChildJvm.Result result =
        ChildJvm.run(
            tmp.resolve("child"),
            "run",
            "--config",
            config.toString(),
            "--input",
            input,
            "--output",
            tmp.resolve("out").toString(),
            "--core-only");
    LocalDate after = LocalDate.now(zone).minusDays(1);
    assertEquals(0, result.exitCode(), result.stderr());
    List<String> manifests;
    try (Stream<Path> files = Files.list(tmp.resolve("out/_runs"))) {
      manifests =
          files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList();
    }
    assertEquals(1, manifests.size(), manifests.toString());
    assertTrue(
        manifests.get(0).equals(before + ".json") || manifests.get(0).equals(after + ".json"),
        manifests + " is not yesterday in Kiritimati (" + before + ")");
    assertTrue(
        Files.isDirectory(tmp.resolve("out/stage_visits/as_of=" + before))
            || Files.isDirectory(tmp.resolve("out/stage_visits/as_of=" + after)));
  }
}
