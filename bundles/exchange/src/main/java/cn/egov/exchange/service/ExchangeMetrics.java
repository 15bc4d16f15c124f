package cn.egov.exchange.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the box's exchange (shown by the console and the REST status). */
public final class ExchangeMetrics {
    public final LongAdder sent = new LongAdder();
    public final LongAdder resends = new LongAdder();
    public final LongAdder refusedUploads = new LongAdder();
    public final LongAdder received = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder failedIncoming = new LongAdder();
    public final LongAdder receiptsAccepted = new LongAdder();
    public final LongAdder receiptsRefused = new LongAdder();
    /** Receipts the hub sent again before it saw this box's acknowledgement: harmless, nothing changes. */
    public final LongAdder duplicateNotices = new LongAdder();
    public final LongAdder inboundDropped = new LongAdder();
    public final LongAdder undeliverable = new LongAdder();

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sent", sent.sum());
        m.put("resends", resends.sum());
        m.put("refused_uploads", refusedUploads.sum());
        m.put("received", received.sum());
        m.put("duplicates", duplicates.sum());
        m.put("failed_incoming", failedIncoming.sum());
        m.put("receipts_accepted", receiptsAccepted.sum());
        m.put("receipts_refused", receiptsRefused.sum());
        m.put("duplicate_notices", duplicateNotices.sum());
        m.put("inbound_dropped", inboundDropped.sum());
        m.put("undeliverable", undeliverable.sum());
        return m;
    }
}
