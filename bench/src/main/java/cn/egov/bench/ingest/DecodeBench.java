package cn.egov.bench.ingest;

import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.fleet.KnownUnits;
import cn.egov.manager.ingest.InboundMessage;
import cn.egov.manager.ingest.IngestRecord;
import cn.egov.manager.ingest.MessageDecoder;
import cn.egov.rules.plan.Divisions;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The ingest decoder's work per message alone, on one thread: the storm's health messages (the fleet
 * simulator's payload: five figures, a per-box epoch and a sequence) of many boxes, interleaved, each
 * decoded ({@link MessageDecoder}: topic, unit code, Kura payload, checks, metrics JSON) and its unit
 * checked against the province ({@link KnownUnits}, as the writer's unit filter does: the parsed code), several rounds;
 * prints the time and the bytes allocated per message of each round (the last rounds are the warm ones).
 *
 * <pre>
 * java -cp ... cn.egov.bench.ingest.DecodeBench [messages=200000] [boxes=10000] [rounds=5]
 * </pre>
 */
public final class DecodeBench {

    private DecodeBench() {
    }

    public static void main(String[] args) {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int boxes = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<String> epochs = new ArrayList<>();
        for (int b = 0; b < boxes; b++) {
            epochs.add(UUID.randomUUID().toString()); // a box's outbox epoch is random (the simulator's too)
        }
        List<InboundMessage> input = StormHealth.messages(messages, boxes, epochs::get, (seq, p) -> p
                .metric(BoxMetrics.CPU_LOAD, 0.2 + seq % 10 / 100.0).metric(BoxMetrics.HEAP_USED_BYTES, 40_000_000L + seq)
                .metric(BoxMetrics.HEAP_MAX_BYTES, 128_000_000L).metric(BoxMetrics.DISK_FREE_BYTES, 2_000_000_000L)
                .metric(BoxMetrics.OUTBOX_DEPTH, 100 - seq));
        MessageDecoder decoder = new MessageDecoder("hebei", 1 << 20);
        KnownUnits known = new KnownUnits(Divisions.hebei(), Optional::empty);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int r = 1; r <= rounds; r++) {
            long bytes0 = threads.getThreadAllocatedBytes(id);
            long cpu0 = threads.getCurrentThreadCpuTime();
            int decoded = 0;
            for (InboundMessage m : input) {
                if (decoder.decode(m) instanceof IngestRecord.Decoded d && known.check(d.unit()).known()) {
                    decoded++;
                }
            }
            double ns = (threads.getCurrentThreadCpuTime() - cpu0) / (double) messages;
            System.out.printf("round %d: %,d messages, %,d decoded and known: %.0f ns CPU and %,d bytes allocated per message%n", r, messages,
                    decoded, ns, (threads.getThreadAllocatedBytes(id) - bytes0) / messages);
        }
    }
}
