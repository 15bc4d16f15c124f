package cn.egov.bench.fleet;

import cn.egov.rules.plan.Divisions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A province of simulated boxes: N MQTT 3.1.1 clients on one two-thread Netty event loop group (see
 * {@link Fleet}, {@link SimBox}), each with its own unit-code client id and password, publishing the
 * health (and alarm) messages the manager decodes, QoS 1 with the box's window, through a connect-rate
 * limit, reconnecting with jittered back-off. Against each target in turn, in one invocation (same-run
 * comparison): Mosquitto with the shipped configuration and a null subscriber, and {@code manager run}
 * with its embedded broker storing into its store.
 *
 * <ul>
 *   <li>{@code steady}: every box sends one health message a minute (every {@value #ALARM_EVERY}th
 *       message an alarm instead), for N seconds after all are connected; CPU and RSS of the broker's
 *       process and of this simulator, from {@code /proc}.</li>
 *   <li>{@code storm}: every box has N messages queued (the backlog of an outage); all connect (at the
 *       limited rate) and drain as fast as the broker acknowledges; time to the last PUBACK, then to the
 *       last message stored.</li>
 * </ul>
 * At the end every acknowledged message is counted at the far end (the subscriber's distinct messages
 * or the store's rows: both deduplicate by message id).
 *
 * <pre>
 * java -cp ... cn.egov.bench.fleet.FleetSimulator steady|storm BOXES N WINDOW CONNECTS_PER_S WORKDIR mosquitto|manager|manager-mqtt...
 * </pre>
 * Run from the repository root (Mosquitto's configuration is read from {@code image/mosquitto}).
 * {@code -Dfleet.manager.jvm="OPTIONS"} adds JVM options to {@code manager run} (e.g. a JFR profile);
 * {@code -Dfleet.manager.heap=SIZE} sets its heap (default 1g), {@code shipped} leaves it to the JVM as
 * {@code bin/manager} does (a quarter of the machine's memory); {@code -Dfleet.storms=K} repeats the storm
 * into the same target (a warmed-up one from the second on); {@code -Dfleet.warmup=SECONDS} runs the steady
 * state that long before the storm.
 * Each target is stopped with SIGTERM at the end and the time it took to exit is printed.
 */
public final class FleetSimulator {

    /** In steady state one message in this many is an alarm: one an hour per box at one a minute. */
    static final int ALARM_EVERY = 60;
    private static final long HEALTH_PERIOD_S = 60;
    /**
     * {@code -Dfleet.storms=K}: the storm K times into the same target (new messages each time), so that
     * the later ones meet a warmed-up broker and manager, as a real storm meets a manager that has run for
     * a while; each storm's figures are its own.
     */
    private static final int STORMS = Integer.getInteger("fleet.storms", 1);
    /**
     * {@code -Dfleet.warmup=SECONDS}: the steady state for that long before the storm, into the same target: the
     * manager has run (and compiled its per-message paths) as it has before a real outage.
     */
    private static final int WARMUP_S = Integer.getInteger("fleet.warmup", 0);
    /** Give up when the acknowledged or stored count has not moved for this long. */
    private static final long STALL_S = 120;

    public static void main(String[] args) throws Exception {
        if (args.length < 7 || !List.of("steady", "storm").contains(args[0])) {
            System.err.println("usage: FleetSimulator steady|storm BOXES N WINDOW CONNECTS_PER_S WORKDIR mosquitto|manager|manager-mqtt...");
            System.exit(2);
        }
        String mode = args[0];
        int boxes = Integer.parseInt(args[1]);
        long n = Long.parseLong(args[2]);
        int window = Integer.parseInt(args[3]);
        int rate = Integer.parseInt(args[4]);
        Path work = Path.of(args[5]);
        Files.createDirectories(work);
        Map<String, String> passwords = passwords(boxes);
        System.out.printf("fleet %s: %,d boxes, N=%d, window %d, %d connects/s; %d cores, load %s; %s%n", mode, boxes, n, window, rate,
                Runtime.getRuntime().availableProcessors(), ProcStat.loadAverage(), System.getProperty("java.vm.version"));
        for (int i = 6; i < args.length; i++) {
            Path dir = work.resolve((i - 5) + "-" + args[i]);
            // manager-mqtt: the manager's subscription over MQTT on its internal listener, not in the broker's JVM
            try (Target target = args[i].equals("mosquitto") ? Target.Mosquitto.start(dir, passwords)
                    : Target.Manager.start(dir, passwords, System.getProperty("fleet.manager.heap", "1g"), args[i].equals("manager-mqtt") ? List.of("ingest.in-vm = false") : List.of())) {
                if (mode.equals("storm")) {
                    if (WARMUP_S > 0) {
                        System.out.printf("  %s: steady state for %d s before the storm%n", target.name, WARMUP_S);
                        steady(target, passwords, WARMUP_S, window, rate);
                    }
                    for (int k = 1; k <= STORMS; k++) {
                        if (STORMS > 1) {
                            System.out.printf("  %s: storm %d of %d%n", target.name, k, STORMS);
                        }
                        storm(target, passwords, n, window, rate);
                    }
                } else {
                    steady(target, passwords, n, window, rate);
                }
            }
        }
    }

    /** One password per box (user name = client id = unit code), and the manager's for Mosquitto's subscriber. */
    private static Map<String, String> passwords(int boxes) {
        List<String> counties = Divisions.hebei().all().stream().filter(d -> d.level() == 3).map(Divisions.Division::code).toList();
        SecureRandom random = new SecureRandom();
        Map<String, String> passwords = new LinkedHashMap<>();
        for (int b = 0; b < boxes; b++) {
            byte[] secret = new byte[12];
            random.nextBytes(secret);
            passwords.put(counties.get(b % counties.size()) + String.format("-%03d", b / counties.size() + 1), HexFormat.of().formatHex(secret));
        }
        byte[] secret = new byte[12];
        random.nextBytes(secret);
        passwords.put(Target.MANAGER, HexFormat.of().formatHex(secret));
        return passwords;
    }

    private static List<SimBox> boxes(Fleet fleet, Map<String, String> passwords, int alarmEvery) {
        List<SimBox> out = new ArrayList<>();
        passwords.forEach((id, password) -> {
            if (!id.equals(Target.MANAGER)) {
                out.add(new SimBox(id, password, fleet, fleet.group.next(), alarmEvery));
            }
        });
        return out;
    }

    private static void storm(Target target, Map<String, String> passwords, long perBox, int window, int rate) throws Exception {
        long before = target.stored(); // what an earlier storm into the same target left: figures are this storm's
        Peaks peaks = new Peaks(target);
        try (Fleet fleet = new Fleet("127.0.0.1", target.port, window, rate)) {
            List<SimBox> boxes = boxes(fleet, passwords, 0);
            long total = perBox * boxes.size();
            long t0 = System.nanoTime();
            for (SimBox b : boxes) {
                b.enqueue(perBox);
                fleet.requestConnect(b);
            }
            double allConnected = -1;
            long lastProgress = System.nanoTime();
            long lastAcked = -1;
            long nextPrint = 0;
            while (fleet.drained.get() < boxes.size()) {
                Thread.sleep(200);
                peaks.sample();
                double s = (System.nanoTime() - t0) / 1e9;
                if (allConnected < 0 && fleet.connected.get() == boxes.size()) {
                    allConnected = s;
                }
                long acked = fleet.acked.get();
                if (acked != lastAcked) {
                    lastAcked = acked;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(STALL_S)) {
                    System.out.printf("  %s: STALLED at %,d of %,d acknowledged%n", target.name, acked, total);
                    break;
                }
                if (s >= nextPrint) {
                    System.out.printf("  %5.0f s: %,d acknowledged, %,d stored, %,d connected, %,d waiting to connect, %,d boxes drained, load %s%n", s, acked,
                            target.progress() - before, fleet.connected.get(), fleet.waitingToConnect(), fleet.drained.get(), ProcStat.loadAverage().split(" ")[0]);
                    nextPrint += 10;
                }
            }
            double toLastAck = (fleet.lastAckNanos - t0) / 1e9;
            ProcStat simEnd = ProcStat.of(ProcessHandle.current().pid());
            ProcStat brokerEnd = ProcStat.of(target.process.pid());
            // what the far end held when the boxes were done: splits the drain into the part that kept pace with
            // the acceptance and the part after it (read within one 200 ms poll of the last PUBACK)
            long storedAtLastAck = target.progress() - before;
            double toStored = awaitStored(target, () -> before + fleet.acked.get(), t0, peaks);
            long counted = target.stored() - before;
            System.out.printf("  %s: %,d stored at the last PUBACK (%.0f %%), the other %,d in the %.1f s after it (%,.0f msg/s)%n", target.name,
                    storedAtLastAck, 100.0 * storedAtLastAck / Math.max(1, fleet.acked.get()), fleet.acked.get() - storedAtLastAck,
                    toStored - toLastAck, (fleet.acked.get() - storedAtLastAck) / Math.max(1e-3, toStored - toLastAck));
            System.out.printf("%s storm: %,d boxes x %,d = %,d messages; last PUBACK at %.1f s = %,.0f msg/s; all %,d stored/counted at %.1f s"
                            + " = %,.0f msg/s end to end; all connected at %.1f s; connects %,d (failed %,d), resent %,d;"
                            + " CPU to last PUBACK: broker %.2f cores, simulator %.2f cores; peak RSS broker %,d MB, simulator %,d MB; %s; load %s%n",
                    target.name, boxes.size(), perBox, total, toLastAck, fleet.acked.get() / toLastAck, counted, toStored,
                    counted / toStored, allConnected, fleet.connects.get(), fleet.connectFailures.get(), fleet.resent.get(),
                    brokerEnd.coresSince(peaks.broker0), simEnd.coresSince(peaks.sim0), peaks.brokerRssKb / 1024, peaks.simRssKb / 1024,
                    target.detail(), ProcStat.loadAverage());
            check(target, fleet.acked.get(), before);
            boxes.forEach(SimBox::disconnect);
            Thread.sleep(1000);
        }
    }

    private static void steady(Target target, Map<String, String> passwords, long seconds, int window, int rate) throws Exception {
        Peaks peaks = new Peaks(target);
        try (Fleet fleet = new Fleet("127.0.0.1", target.port, window, rate)) {
            List<SimBox> boxes = boxes(fleet, passwords, ALARM_EVERY);
            long t0 = System.nanoTime();
            boxes.forEach(fleet::requestConnect);
            while (fleet.connected.get() < boxes.size() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(STALL_S + boxes.size() / rate)) {
                Thread.sleep(200);
                peaks.sample();
            }
            double connectS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("  %s: %,d of %,d connected in %.1f s%n", target.name, fleet.connected.get(), boxes.size(), connectS);
            // each box's health timer at its own phase of the minute, as boxes started at different times
            List<ScheduledFuture<?>> timers = new ArrayList<>();
            for (SimBox b : boxes) {
                timers.add(b.loop.scheduleAtFixedRate(() -> b.enqueue(1), ThreadLocalRandom.current().nextLong(HEALTH_PERIOD_S * 1000),
                        HEALTH_PERIOD_S * 1000, TimeUnit.MILLISECONDS));
            }
            Peaks window0 = new Peaks(target);
            long acked0 = fleet.acked.get();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                window0.sample();
            }
            ProcStat simEnd = ProcStat.of(ProcessHandle.current().pid());
            ProcStat brokerEnd = ProcStat.of(target.process.pid());
            long ackedInWindow = fleet.acked.get() - acked0;
            timers.forEach(t -> t.cancel(false));
            Thread.sleep(5000); // the last in-flight publishes
            double toStored = awaitStored(target, fleet.acked::get, t0, peaks);
            long counted = target.stored();
            System.out.printf("%s steady: %,d boxes connected in %.1f s; in %d s %,d messages acknowledged (%,.0f msg/s, %,d alarms in all);"
                            + " CPU broker %.3f cores, simulator %.3f cores; RSS broker %,d MB (peak %,d), simulator %,d MB (peak %,d);"
                            + " reconnects %,d; all %,d acknowledged stored/counted at %.1f s; %s; load %s%n",
                    target.name, fleet.connected.get(), connectS, seconds, ackedInWindow, ackedInWindow / (double) seconds,
                    fleet.alarmsAcked.get(), brokerEnd.coresSince(window0.broker0), simEnd.coresSince(window0.sim0), brokerEnd.rssKb() / 1024,
                    window0.brokerRssKb / 1024, simEnd.rssKb() / 1024, window0.simRssKb / 1024, fleet.connects.get() - boxes.size(),
                    fleet.acked.get(), toStored, target.detail(), ProcStat.loadAverage());
            check(target, fleet.acked.get(), 0);
            boxes.forEach(SimBox::disconnect);
            Thread.sleep(1000);
        }
    }

    /**
     * Waits until the far end has every acknowledged message (or stops moving); seconds since {@code t0}: when its
     * progress said so, if the exact count then confirms it, else when the exact count does.
     */
    private static double awaitStored(Target target, LongSupplier acked, long t0, Peaks peaks) throws Exception {
        long last = -1;
        long lastProgress = System.nanoTime();
        boolean exact = false;
        while (true) {
            long at = System.nanoTime();
            long stored = exact ? target.stored() : target.progress();
            if (stored >= acked.getAsLong()) {
                if (exact || target.stored() >= acked.getAsLong()) {
                    return (at - t0) / 1e9;
                }
                exact = true; // the progress counts something the store does not hold: count from now on
                continue;
            }
            if (stored != last) {
                last = stored;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(STALL_S)) {
                return Double.NaN;
            }
            peaks.sample();
            Thread.sleep(500);
        }
    }

    private static void check(Target target, long acked, long before) throws Exception {
        long stored = target.stored() - before;
        System.out.printf("  %s: %s: %,d acknowledged, %,d at the far end%n", target.name,
                stored >= acked ? "NOTHING LOST" : "LOST " + (acked - stored), acked, stored);
    }

    /** Start samples and peak RSS of the broker's process and of this one. */
    private static final class Peaks {
        final Target target;
        final ProcStat sim0 = ProcStat.of(ProcessHandle.current().pid());
        final ProcStat broker0;
        long simRssKb;
        long brokerRssKb;

        Peaks(Target target) {
            this.target = target;
            this.broker0 = ProcStat.of(target.process.pid());
            sample();
        }

        void sample() {
            simRssKb = Math.max(simRssKb, ProcStat.of(ProcessHandle.current().pid()).rssKb());
            brokerRssKb = Math.max(brokerRssKb, ProcStat.of(target.process.pid()).rssKb());
        }
    }
}
