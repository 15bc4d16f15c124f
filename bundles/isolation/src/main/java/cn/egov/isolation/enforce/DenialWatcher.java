package cn.egov.isolation.enforce;

import cn.egov.api.json.JsonValues;
import cn.egov.api.telemetry.Alarm;
import cn.egov.rules.nft.DenyPoint;
import cn.egov.rules.nft.NftNames;
import cn.egov.rules.nft.NftRuleset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns the ruleset's denial records into alarms. Each deny point adds the dropped packet's
 * (interface, source, destination, protocol, port) to a bounded dynamic set, where it stays for
 * {@link cn.egov.rules.nft.NftablesCompiler#DENIAL_MEMORY_SECONDS}; each poll raises one alarm for
 * every record that was not there at the previous poll. At most {@link #MAX_ALARMS_PER_POLL} are
 * raised one by one, the rest in one summary alarm, so a scan cannot flood the outbox.
 */
public final class DenialWatcher {

    /** Alarms raised one by one per poll; the rest are counted in a summary alarm. */
    public static final int MAX_ALARMS_PER_POLL = 100;

    private final NftCommand nft;
    private final Consumer<Alarm> alarms;
    private Set<String> seen = new HashSet<>();

    public DenialWatcher(NftCommand nft, Consumer<Alarm> alarms) {
        this.nft = nft;
        this.alarms = alarms;
    }

    /** Reads every denial set of {@code ruleset}; returns how many new denials it found. */
    public synchronized int poll(NftRuleset ruleset, long now) {
        Set<String> current = new HashSet<>();
        List<Alarm> fresh = new ArrayList<>();
        for (DenyPoint dp : ruleset.denyPoints()) {
            for (String set : List.of(dp.setV4(), dp.setV6())) {
                for (Map<String, String> rec : records(set)) {
                    String key = set + "|" + rec.get("interface") + "|" + rec.get("source") + "|" + rec.get("destination")
                            + "|" + rec.get("protocol") + "|" + rec.get("port");
                    current.add(key);
                    if (!seen.contains(key)) {
                        fresh.add(alarm(dp, rec, now));
                    }
                }
            }
        }
        seen = current;
        fresh.stream().limit(MAX_ALARMS_PER_POLL).forEach(alarms);
        if (fresh.size() > MAX_ALARMS_PER_POLL) {
            alarms.accept(new Alarm(IsolationAlarms.DENIED_SUMMARY, Alarm.Severity.MAJOR, IsolationAlarms.SOURCE,
                    (fresh.size() - MAX_ALARMS_PER_POLL) + " further denied flows were not raised one by one",
                    Map.of("new_denials", Integer.toString(fresh.size())), now));
        }
        return fresh.size();
    }

    private static Alarm alarm(DenyPoint dp, Map<String, String> rec, long now) {
        Map<String, String> ev = new LinkedHashMap<>(rec);
        ev.put("rule", dp.rule());
        ev.put("rule_origin", dp.origin());
        ev.put("reason", dp.reason());
        boolean never = dp.rule().startsWith("never ");
        Alarm.Severity sev = never ? Alarm.Severity.CRITICAL
                : dp.chain().equals(NftNames.defaultDenyChain(NftNames.INPUT)) ? Alarm.Severity.MINOR : Alarm.Severity.MAJOR;
        String port = "0".equals(rec.get("port")) ? "" : ":" + rec.get("port");
        return new Alarm(IsolationAlarms.DENIED, sev, IsolationAlarms.SOURCE,
                rec.get("protocol") + " " + rec.get("source") + " -> " + rec.get("destination") + port + " on "
                        + rec.get("interface") + " denied by " + dp.rule() + " (" + dp.origin() + ")", ev, now);
    }

    /** Elements of one denial set as evidence maps; empty when the set cannot be read. */
    @SuppressWarnings("unchecked")
    List<Map<String, String>> records(String set) {
        NftCommand.Result r = nft.run(List.of("-j", "list", "set", NftNames.FAMILY, NftNames.TABLE, set), null);
        List<Map<String, String>> out = new ArrayList<>();
        if (!r.ok()) {
            return out;
        }
        Map<String, Object> root = (Map<String, Object>) JsonValues.parse(r.stdout());
        for (Object item : (List<Object>) root.getOrDefault("nftables", List.of())) {
            if (!(((Map<String, Object>) item).get("set") instanceof Map<?, ?> s) || !(s.get("elem") instanceof List<?> elems)) {
                continue;
            }
            for (Object e : elems) {
                Map<String, Object> wrapper = (Map<String, Object>) e;
                Map<String, Object> elem = wrapper.get("elem") instanceof Map<?, ?> m ? (Map<String, Object>) m : wrapper;
                if (!(elem.get("val") instanceof Map<?, ?> val) || !(val.get("concat") instanceof List<?> c) || c.size() != 5) {
                    continue;
                }
                Map<String, String> rec = new LinkedHashMap<>();
                rec.put("interface", String.valueOf(c.get(0)));
                rec.put("source", String.valueOf(c.get(1)));
                rec.put("destination", String.valueOf(c.get(2)));
                rec.put("protocol", String.valueOf(c.get(3)));
                rec.put("port", String.valueOf(c.get(4)));
                if (elem.get("counter") instanceof Map<?, ?> counter) {
                    rec.put("packets", String.valueOf(counter.get("packets")));
                }
                out.add(rec);
            }
        }
        return out;
    }
}
