package cn.egov.bench.ingest;

import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.ingest.InboundMessage;
import cn.egov.manager.ingest.IngestRecord;
import cn.egov.manager.ingest.MessageDecoder;
import cn.egov.manager.ingest.SqlBatchStore;
import cn.egov.manager.store.Database;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The ingest writer's store step alone, without broker or subscriber: health messages of many boxes,
 * interleaved as in the storm, decoded beforehand, then stored in batches by {@link SqlBatchStore} as the
 * writer does (one transaction each, fleet changes included), the whole set twice: new, then all
 * redelivered. Reports the time and the writer thread's CPU of each pass; run it against an empty database
 * (PostgreSQL: the server's CPU is measured from outside, see bench/RESULTS.md).
 *
 * <pre>
 * java -cp ... cn.egov.bench.ingest.StoreBatchBench JDBC_URL USER PASSWORD [messages=200000] [boxes=10000] [batch=2000]
 * </pre>
 */
public final class StoreBatchBench {

    private StoreBatchBench() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 3 ? Integer.parseInt(args[3]) : 200_000;
        int boxes = args.length > 4 ? Integer.parseInt(args[4]) : 10_000;
        int batch = args.length > 5 ? Integer.parseInt(args[5]) : 2_000;
        MessageDecoder decoder = new MessageDecoder("hebei", 1 << 20);
        List<IngestRecord> records = new ArrayList<>(messages);
        for (InboundMessage m : StormHealth.messages(messages, boxes, b -> "bench-" + b, (seq, p) -> p
                .metric(BoxMetrics.CPU_LOAD, 0.2 + seq % 10 / 100.0).metric(BoxMetrics.HEAP_USED_BYTES, 40_000_000L + seq))) {
            records.add(decoder.decode(m));
        }
        Database db = Database.open(args[0], args[1], args[2]);
        SqlBatchStore store = new SqlBatchStore(db, new FleetRegistry(PlaceNames.HEBEI, 3, 60));
        var threads = ManagementFactory.getThreadMXBean();
        for (String pass : List.of("new", "redelivered")) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long stored = 0;
            for (int from = 0; from < records.size(); from += batch) {
                stored += store.store(records.subList(from, Math.min(records.size(), from + batch))).size();
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s: %,d messages in batches of %,d (%,d boxes): %.1f s = %,.0f msg/s, %,d stored as new; writer thread CPU %.1f s%n",
                    pass, records.size(), batch, boxes, s, records.size() / s, stored, (threads.getCurrentThreadCpuTime() - cpu0) / 1e9);
        }
        if ((Object) store instanceof AutoCloseable c) {
            c.close(); // the kept connection, where the store keeps one: its server process ends and is counted
        }
    }
}
