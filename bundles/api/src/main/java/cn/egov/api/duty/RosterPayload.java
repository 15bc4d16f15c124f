package cn.egov.api.duty;

import cn.egov.api.payload.KuraPayload;
import cn.egov.rules.unit.UnitCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Roster} as a KuraPayload: metrics {@code unit}, {@code version}, {@code shifts} (count),
 * and a JSON body {@code {"shifts":[{"id","start","end","role","person","phone"}...]}} (times in
 * ms since the epoch). The timestamp is the publishing time.
 */
public final class RosterPayload {

    private RosterPayload() {
    }

    public static KuraPayload encode(Roster roster) {
        List<Object> shifts = new ArrayList<>();
        for (Shift s : roster.shifts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("start", s.start().toEpochMilli());
            m.put("end", s.end().toEpochMilli());
            m.put("role", s.role().name());
            m.put("person", s.person());
            m.put("phone", s.phone());
            shifts.add(m);
        }
        return KuraPayload.builder().timestamp(roster.publishedAt().toEpochMilli())
                .metric("unit", roster.unit().toString())
                .metric("version", roster.version())
                .metric("shifts", roster.shifts().size())
                .body(JsonBody.write(Map.of("shifts", shifts)))
                .build();
    }

    /** @throws DutyInputException naming what is missing or wrong */
    public static Roster decode(KuraPayload p) {
        Object unit = p.metric("unit");
        Object version = p.metric("version");
        if (!(unit instanceof String u) || !UnitCode.isValid(u)) {
            throw new DutyInputException("unit", "roster metric 'unit' must be a unit code CCCCCC-DDD");
        }
        if (!(version instanceof Long v)) {
            throw new DutyInputException("version", "roster metric 'version' must be INT64");
        }
        Map<?, ?> body = JsonBody.read(p, "roster");
        List<?> list = JsonBody.list(body, "shifts");
        if (list.size() > Roster.MAX_SHIFTS) {
            throw new DutyInputException("shifts", "the roster has " + list.size() + " shifts, at most " + Roster.MAX_SHIFTS);
        }
        List<Shift> shifts = new ArrayList<>();
        for (Object o : list) {
            Map<?, ?> m = JsonBody.object(o, "shifts");
            shifts.add(new Shift(JsonBody.string(m, "id"), JsonBody.time(m, "start"), JsonBody.time(m, "end"),
                    ShiftRole.parse(JsonBody.string(m, "role")), JsonBody.string(m, "person"), JsonBody.string(m, "phone")));
        }
        return new Roster(UnitCode.parse(u), v, Instant.ofEpochMilli(p.timestamp() == null ? 0 : p.timestamp()), shifts);
    }
}
