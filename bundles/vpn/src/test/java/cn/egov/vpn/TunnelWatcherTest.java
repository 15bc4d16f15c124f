package cn.egov.vpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The watcher's decisions against a scripted charon (the real daemon is exercised in the manager's
 * BackboneTunnelNetLabTest): when it restarts, how it backs off, what it counts and reports.
 */
class TunnelWatcherTest {

    /** A charon whose SAs and initiation outcome the test sets. */
    static final class ScriptedCharon implements Charon {
        List<IkeSa> sas = List.of();
        String refuse; // null: initiate succeeds and installs `onInitiate`
        List<IkeSa> onInitiate = List.of();
        int loads;
        int initiates;

        @Override
        public String loadAll() {
            loads++;
            return "loaded";
        }

        @Override
        public void initiate(String child) {
            initiates++;
            if (refuse != null) {
                throw new TunnelException(refuse);
            }
            sas = onInitiate;
        }

        @Override
        public List<IkeSa> listSas() {
            return sas;
        }
    }

    record Published(String app, String resource, KuraPayload payload, int priority) {
    }

    static final class Recorder implements TelemetryPublisher {
        final List<Published> out = new ArrayList<>();

        @Override
        public synchronized void publish(String appId, String resource, KuraPayload payload, int priority) {
            out.add(new Published(appId, resource, payload, priority));
        }

        synchronized List<Alarm> alarms() {
            return out.stream().filter(p -> p.app.equals(Alarm.APP_ID)).map(p -> Alarm.fromPayload(p.resource, p.payload)).toList();
        }
    }

    static final class ManualClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    static IkeSa up(long ikeId, long childId, long bytesIn, long bytesOut) {
        return new IkeSa("backbone", ikeId, "ESTABLISHED", "192.0.2.2", "CN=hub", 5,
                List.of(new ChildSa("backbone", childId, "INSTALLED", bytesIn, bytesOut, bytesIn / 100, bytesOut / 100,
                        List.of("10.8.1.0/24"), List.of("10.8.100.0/24"))));
    }

    final ScriptedCharon charon = new ScriptedCharon();
    final Recorder telemetry = new Recorder();
    final ManualClock clock = new ManualClock();
    final TunnelWatcher watcher = new TunnelWatcher(charon, "backbone", "192.0.2.2", telemetry,
            new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(8)), Duration.ofSeconds(60), clock);

    @Test
    void startsTheTunnelWhenDownAndReportsUp() {
        charon.onInitiate = List.of(up(1, 1, 0, 0));
        TunnelStatus s = watcher.poll();
        assertTrue(s.up());
        assertEquals(1, charon.loads, "configuration reloaded before starting");
        assertEquals(1, s.initiations());
        assertEquals("CN=hub", s.remoteId());
        Published state = telemetry.out.get(0);
        assertEquals(BoxMetrics.VPN_APP, state.app());
        assertEquals("UP", state.payload().stringMetric("state"));
        assertEquals(Priority.STATE, state.priority());
        assertEquals(Alarm.Severity.CLEARED, telemetry.alarms().get(0).severity());
    }

    @Test
    void backsOffBetweenFailedStartsAndSaysWhy() {
        charon.refuse = "establishing CHILD_SA 'backbone' failed (received AUTHENTICATION_FAILED notify error)";
        TunnelStatus s = watcher.poll();
        assertFalse(s.up());
        assertEquals(1, s.failures());
        assertTrue(s.lastError().contains("AUTHENTICATION_FAILED"));
        Alarm down = telemetry.alarms().get(0);
        assertEquals(Alarm.Severity.MAJOR, down.severity());
        assertEquals(BoxMetrics.VPN_DOWN_ALARM, down.kind());
        assertTrue(down.evidence().get("last_error").contains("AUTHENTICATION_FAILED"));

        clock.millis += 1_999;
        watcher.poll();
        assertEquals(1, charon.initiates, "no retry before the 2 s backoff");
        clock.millis += 1;
        watcher.poll();
        assertEquals(2, charon.initiates);
        clock.millis += 3_999;
        watcher.poll();
        assertEquals(2, charon.initiates, "second delay is 4 s");
        clock.millis += 1;
        watcher.poll();
        assertEquals(3, charon.initiates);
        for (int i = 0; i < 5; i++) {
            clock.millis += 8_000;
            watcher.poll();
        }
        assertEquals(8, charon.initiates, "capped at 8 s");
        assertEquals(1, telemetry.alarms().size(), "one alarm per state change, not per failed attempt");

        charon.refuse = null;
        charon.onInitiate = List.of(up(2, 2, 0, 0));
        clock.millis += 8_000;
        TunnelStatus back = watcher.poll();
        assertTrue(back.up());
        assertEquals(0, back.failures());
        assertEquals(Alarm.Severity.CLEARED, telemetry.alarms().get(1).severity());
    }

    @Test
    void countsRekeysAndKeepsByteCountersCumulative() {
        charon.onInitiate = List.of(up(1, 1, 1000, 2000));
        watcher.poll();
        charon.sas = List.of(up(1, 1, 5000, 7000));
        TunnelStatus s = watcher.poll();
        assertEquals(5000, s.bytesIn());
        assertEquals(0, s.rekeys());
        // CHILD rekey: new SA id, counters restart in charon.
        charon.sas = List.of(up(1, 2, 100, 300));
        s = watcher.poll();
        assertEquals(1, s.rekeys());
        assertEquals(5100, s.bytesIn());
        assertEquals(7300, s.bytesOut());
        // IKE rekey: new IKE id, same child.
        charon.sas = List.of(up(3, 2, 200, 400));
        s = watcher.poll();
        assertEquals(2, s.rekeys());
        assertEquals(5200, s.bytesIn());
        assertEquals(1, charon.initiates, "no restart while up");
    }

    @Test
    void overlappingSasDuringARekeyAreNotAnOutage() {
        charon.onInitiate = List.of(up(1, 1, 100, 100));
        watcher.poll();
        // Mid-rekey: the old SA is REKEYED, the new one INSTALLED, both listed.
        IkeSa both = new IkeSa("backbone", 1, "ESTABLISHED", "192.0.2.2", "CN=hub", 9, List.of(
                new ChildSa("backbone", 1, "REKEYED", 150, 150, 2, 2, List.of(), List.of()),
                new ChildSa("backbone", 2, "INSTALLED", 0, 0, 0, 0, List.of(), List.of())));
        charon.sas = List.of(both);
        TunnelStatus s = watcher.poll();
        assertTrue(s.up());
        assertEquals(1, s.rekeys());
        assertEquals(1, charon.initiates, "no restart during a rekey");
        // Only the old SA, still carrying traffic while it is rekeyed: up, not down.
        charon.sas = List.of(new IkeSa("backbone", 1, "ESTABLISHED", "192.0.2.2", "CN=hub", 9, List.of(
                new ChildSa("backbone", 2, "REKEYING", 10, 10, 1, 1, List.of(), List.of()))));
        assertTrue(watcher.poll().up());
        assertEquals(1, charon.initiates);
    }

    @Test
    void tunnelLostBetweenPollsIsRestartedAndNotCountedAsRekey() {
        charon.onInitiate = List.of(up(1, 1, 10, 10));
        watcher.poll();
        charon.sas = List.of();
        charon.refuse = "establishing IKE_SA failed, peer not responding";
        TunnelStatus down = watcher.poll();
        assertFalse(down.up());
        assertEquals(10, down.bytesIn(), "counters kept while down");
        charon.refuse = null;
        charon.onInitiate = List.of(up(5, 6, 1, 1));
        clock.millis += 2_000;
        TunnelStatus up = watcher.poll();
        assertTrue(up.up());
        assertEquals(0, up.rekeys());
        assertEquals(11, up.bytesIn());
    }

    @Test
    void unreachableDaemonIsDownWithTheReason() {
        Charon dead = new Charon() {
            @Override
            public String loadAll() {
                throw new TunnelException("cannot reach charon's VICI socket /run/charon.vici: Connection refused");
            }

            @Override
            public void initiate(String child) {
                throw new AssertionError("not reached");
            }

            @Override
            public List<IkeSa> listSas() {
                throw new TunnelException("listing security associations failed: Connection refused");
            }
        };
        TunnelWatcher w = new TunnelWatcher(dead, "backbone", "192.0.2.2", telemetry,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(60), clock);
        TunnelStatus s = w.poll();
        assertFalse(s.up());
        assertTrue(s.lastError().contains("VICI socket"), s.lastError());
    }

    @Test
    void countersAreReportedEveryIntervalWhileNothingChanges() {
        charon.onInitiate = List.of(up(1, 1, 0, 0));
        watcher.poll();
        int afterUp = telemetry.out.size();
        clock.millis += 59_000;
        watcher.poll();
        assertEquals(afterUp, telemetry.out.size());
        clock.millis += 1_000;
        watcher.poll();
        assertEquals(afterUp + 1, telemetry.out.size());
        assertEquals(Priority.HEALTH, telemetry.out.get(afterUp).priority());
    }
}
