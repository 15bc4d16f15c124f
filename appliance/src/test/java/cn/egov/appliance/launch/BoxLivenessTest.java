package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code appliance status} decides whether to believe a status file, with the lock taken by
 * this JVM (as a running box takes it) and heartbeats set by hand. A real box killed with
 * {@code kill -9}: {@link BoxStatusIT}.
 */
class BoxLivenessTest {
    private static final Duration STALE_AFTER = Duration.ofSeconds(10);
    private static final String HEALTHY = "framework test 1.0\nhealthy true\n";

    @TempDir
    Path data;

    @Test
    void noStatusFileMeansNotRunning() throws Exception {
        BoxLiveness.Verdict v = BoxLiveness.judge(data, STALE_AFTER, Instant.now());
        assertEquals(BoxLiveness.State.NOT_RUNNING, v.state());
        assertTrue(v.message().startsWith("no box is running with data directory " + data), v.message());
    }

    @Test
    void aHealthyFileWithAFreeLockIsADeadBox() throws Exception {
        Instant heartbeat = Instant.parse("2026-12-04T10:00:00Z");
        writeStatus(HEALTHY + "pid " + ProcessHandle.current().pid() + "\n", heartbeat);
        // the lock file exists (a box ran here) but nobody holds it: the pid alive is not enough (pids are reused)
        RunLock.acquire(data).close();
        BoxLiveness.Verdict v = BoxLiveness.judge(data, STALE_AFTER, heartbeat.plusSeconds(42));
        assertEquals(BoxLiveness.State.NOT_RUNNING, v.state());
        assertEquals("the box is not running since 2026-12-04T10:00:00Z (its last heartbeat, 42 s ago): process "
                + ProcessHandle.current().pid() + " is gone; data directory " + data, v.message());
        assertFalse(v.healthy());
    }

    @Test
    void withoutALockFileAGonePidMeansNotRunning() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Instant heartbeat = Instant.now();
        writeStatus(HEALTHY + "pid " + p.pid() + "\n", heartbeat);
        BoxLiveness.Verdict v = BoxLiveness.judge(data, STALE_AFTER, heartbeat.plusSeconds(1));
        assertEquals(BoxLiveness.State.NOT_RUNNING, v.state(), v.message());
        assertTrue(v.message().contains("process " + p.pid() + " is gone"), v.message());
    }

    @Test
    void aHeldLockWithAnOldHeartbeatIsNotResponding() throws Exception {
        try (RunLock lock = RunLock.acquire(data)) {
            Instant heartbeat = Instant.parse("2026-12-04T10:00:00Z");
            writeStatus(HEALTHY + "pid " + ProcessHandle.current().pid() + "\n", heartbeat);
            BoxLiveness.Verdict stale = BoxLiveness.judge(data, STALE_AFTER, heartbeat.plusSeconds(11));
            assertEquals(BoxLiveness.State.NOT_RESPONDING, stale.state());
            assertTrue(stale.message().startsWith("the box is not responding since 2026-12-04T10:00:00Z (its last heartbeat, 11 s ago),"
                    + " more than the 10 s allowed"), stale.message());

            BoxLiveness.Verdict fresh = BoxLiveness.judge(data, STALE_AFTER, heartbeat.plusSeconds(10));
            assertEquals(BoxLiveness.State.RUNNING, fresh.state(), fresh.message());
            assertTrue(fresh.healthy());
            assertTrue(fresh.status().startsWith(HEALTHY));
        }
    }

    @Test
    void aSecondBoxOnTheSameDataDirectoryIsRefused() throws Exception {
        try (RunLock first = RunLock.acquire(data)) {
            LaunchException e = org.junit.jupiter.api.Assertions.assertThrows(LaunchException.class, () -> RunLock.acquire(data));
            assertEquals("data directory " + data + " is in use by another box (process " + ProcessHandle.current().pid()
                    + "): stop it first, or give this one its own --data", e.getMessage());
        }
        RunLock.acquire(data).close(); // free again once closed
    }

    private void writeStatus(String text, Instant heartbeat) throws Exception {
        Path file = data.resolve(StatusFile.NAME);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(heartbeat));
    }
}
