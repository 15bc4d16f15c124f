package cn.egov.api.duty;

import cn.egov.api.payload.KuraPayload;
import cn.egov.rules.unit.UnitCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Receipts} as a KuraPayload: metrics {@code unit}, {@code receipts} (count) and a JSON body
 * {@code {"receipts":[{"id","received","acknowledged","by","step","to"}...]}} (times in ms since the
 * epoch, {@code acknowledged} absent until acknowledged). The timestamp is the issuing time.
 */
public final class ReceiptsPayload {

    private ReceiptsPayload() {
    }

    public static KuraPayload encode(Receipts r) {
        List<Object> list = new ArrayList<>();
        for (ReportReceipt x : r.receipts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", x.reportId());
            m.put("received", x.receivedAt().toEpochMilli());
            if (x.acknowledgedAt() != null) {
                m.put("acknowledged", x.acknowledgedAt().toEpochMilli());
            }
            m.put("by", x.acknowledgedBy());
            m.put("step", (long) x.escalationStep());
            m.put("to", x.escalatedTo());
            list.add(m);
        }
        return KuraPayload.builder().timestamp(r.issuedAt().toEpochMilli())
                .metric("unit", r.unit().toString())
                .metric("receipts", r.receipts().size())
                .body(JsonBody.write(Map.of("receipts", list)))
                .build();
    }

    /** @throws DutyInputException naming what is missing or wrong */
    public static Receipts decode(KuraPayload p) {
        Object unit = p.metric("unit");
        if (!(unit instanceof String u) || !UnitCode.isValid(u)) {
            throw new DutyInputException("unit", "receipts metric 'unit' must be a unit code CCCCCC-DDD");
        }
        if (p.timestamp() == null) {
            throw new DutyInputException("timestamp", "receipts carry no issuing time");
        }
        List<?> list = JsonBody.list(JsonBody.read(p, "receipts"), "receipts");
        if (list.size() > Receipts.MAX_RECEIPTS) {
            throw new DutyInputException("receipts", list.size() + " receipts, at most " + Receipts.MAX_RECEIPTS);
        }
        List<ReportReceipt> receipts = new ArrayList<>();
        for (Object o : list) {
            Map<?, ?> m = JsonBody.object(o, "receipts");
            long step = JsonBody.number(m, "step");
            if (step < 0 || step > 100) {
                throw new DutyInputException("step", "escalation step must be 0..100, got " + step);
            }
            receipts.add(new ReportReceipt(JsonBody.string(m, "id"), JsonBody.time(m, "received"), JsonBody.time(m, "acknowledged"),
                    JsonBody.string(m, "by"), (int) step, JsonBody.string(m, "to")));
        }
        return new Receipts(UnitCode.parse(u), Instant.ofEpochMilli(p.timestamp()), receipts);
    }
}
