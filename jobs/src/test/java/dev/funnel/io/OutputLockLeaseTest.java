package dev.funnel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output lock's lease: a holder on another host that stopped heartbeating frees the output once
 * its lease has run out; a live holder's heartbeats keep it; a holder whose lock was taken over
 * does not publish and does not remove its successor's lock.
 */
class OutputLockLeaseTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private static Configuration lease(String lease, String heartbeat) {
    Configuration conf = new Configuration();
    conf.set(OutputLock.LEASE_KEY, lease);
    if (heartbeat != null) {
      conf.set(OutputLock.HEARTBEAT_KEY, heartbeat);
    }
    return conf;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> lockFile(Path output) throws Exception {
    return JSON.readValue(Files.readString(output.resolve("_lock")), Map.class);
  }

  private static void writeRemoteLock(Path output, Instant heartbeatAt, double leaseSeconds)
      throws Exception {
    Files.createDirectories(output);
    Files.writeString(
        output.resolve("_lock"),
        "{\"host\":\"node-17.elsewhere\",\"pid\":1,\"run_id\":\"remote\",\"started_at\":\""
            + heartbeatAt.minusSeconds(3600)
            + "\",\"heartbeat_at\":\""
            + heartbeatAt
            + "\",\"lease_seconds\":"
            + leaseSeconds
            + "}");
  }

  @Test
  void aRemoteHolderWhoseLeaseRanOutIsTakenOverAndALiveOneIsNot() throws Exception {
    Path output = tmp.resolve("out");
    Configuration conf = lease("10m", null);
    // Last heartbeat 11 minutes ago with a 10-minute lease: the driver on node-17 is gone.
    writeRemoteLock(output, Instant.now().minus(Duration.ofMinutes(11)), 600);
    try (OutputLock lock = OutputLock.acquire(conf, output.toString(), "new", Duration.ZERO)) {
      Map<String, Object> mine = lockFile(output);
      assertEquals("new", mine.get("run_id"));
      assertEquals(600.0, ((Number) mine.get("lease_seconds")).doubleValue());
      assertTrue(mine.containsKey("heartbeat_at"));
    }
    assertFalse(Files.exists(output.resolve("_lock")), "released");

    // Heartbeat 9 minutes ago: still within the lease; the run refuses and names the holder.
    writeRemoteLock(output, Instant.now().minus(Duration.ofMinutes(9)), 600);
    OutputLock.LockedException refused =
        assertThrows(
            OutputLock.LockedException.class,
            () -> OutputLock.acquire(conf, output.toString(), "x", Duration.ZERO));
    assertTrue(refused.getMessage().contains("host node-17.elsewhere"), refused.getMessage());
    assertTrue(refused.getMessage().contains("last heartbeat"), refused.getMessage());
    assertEquals(ExitCodes.LOCKED, ExitCodes.of(refused));
  }

  @Test
  void aWaitingRunTakesOverWhenTheRemoteLeaseRunsOut() throws Exception {
    Path output = tmp.resolve("out");
    // A 2-second lease whose last heartbeat was just now: free in about two seconds.
    writeRemoteLock(output, Instant.now(), 2);
    Configuration conf = lease("2s", null);
    long started = System.nanoTime();
    try (OutputLock lock =
        OutputLock.acquire(conf, output.toString(), "waiter", Duration.ofSeconds(30))) {
      assertEquals("waiter", lockFile(output).get("run_id"));
    }
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(30).toNanos());
  }

  @Test
  void heartbeatsKeepALiveHolderBeyondItsLease() throws Exception {
    Path output = tmp.resolve("out");
    Configuration conf = lease("1s", "100ms");
    try (OutputLock lock = OutputLock.acquire(conf, output.toString(), "holder", Duration.ZERO)) {
      String first = (String) lockFile(output).get("heartbeat_at");
      Thread.sleep(2500); // two and a half leases
      Map<String, Object> now = lockFile(output);
      assertEquals("holder", now.get("run_id"));
      assertTrue(
          Instant.parse((String) now.get("heartbeat_at")).isAfter(Instant.parse(first)),
          "the heartbeat was renewed");
      assertFalse(OutputLock.isExpired(now, Instant.now()));
      // Another run (same process, so the pid rule does not apply) finds it held.
      assertThrows(
          OutputLock.LockedException.class,
          () -> OutputLock.acquire(conf, output.toString(), "other", Duration.ZERO));
      lock.verifyHeld();
    }
  }

  @Test
  void aHolderWhoseLockWasTakenOverDoesNotPublishOrRemoveTheNewLock() throws Exception {
    Path output = tmp.resolve("out");
    // No heartbeat during the test, so that nothing races with the takeover written below.
    Configuration conf = lease("10m", "1h");
    OutputLock old = OutputLock.acquire(conf, output.toString(), "old", Duration.ZERO);
    // As if old's lease had expired (a long pause) and a run on another host took over.
    writeRemoteLock(output, Instant.now(), 600);
    OutputLock.LostException lost = assertThrows(OutputLock.LostException.class, old::verifyHeld);
    assertTrue(lost.getMessage().contains("taken over"), lost.getMessage());
    assertTrue(lost.getMessage().contains("node-17.elsewhere"), lost.getMessage());
    assertEquals(ExitCodes.LOCKED, ExitCodes.of(lost));
    old.close();
    assertEquals("remote", lockFile(output).get("run_id"), "the successor's lock stays");
  }

  @Test
  void aHolderThatCouldNotRenewWithinItsLeaseHasLostIt() throws Exception {
    Path output = tmp.resolve("out");
    Configuration conf = lease("1s", "1h"); // heartbeats far apart: the lease runs out first
    try (OutputLock lock = OutputLock.acquire(conf, output.toString(), "slow", Duration.ZERO)) {
      Thread.sleep(1300);
      OutputLock.LostException lost =
          assertThrows(OutputLock.LostException.class, lock::verifyHeld);
      assertTrue(lost.getMessage().contains("expired before the run finished"), lost.getMessage());
    }
  }

  @Test
  void expiryIsTheLastHeartbeatPlusTheLease() {
    Map<String, Object> holder =
        Map.of("heartbeat_at", "2026-01-01T10:00:00Z", "lease_seconds", 600.0);
    assertFalse(OutputLock.isExpired(holder, Instant.parse("2026-01-01T10:10:00Z")));
    assertTrue(OutputLock.isExpired(holder, Instant.parse("2026-01-01T10:10:00.001Z")));
    // A lock of an older version, without a lease, never expires.
    assertFalse(OutputLock.isExpired(Map.of("host", "h", "pid", 1), Instant.MAX));
  }
}
