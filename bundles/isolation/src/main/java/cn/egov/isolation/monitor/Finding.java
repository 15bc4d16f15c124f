package cn.egov.isolation.monitor;

import cn.egov.api.telemetry.Alarm;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One violation with its evidence, as first seen for its flow.
 *
 * @param rule        which kind of violation
 * @param timeNanos   capture time of the first packet, nanoseconds since the epoch
 * @param interfaceName the capture interface, or null when the capture does not name it
 * @param source      source address (or the ARP sender), null for frames without one
 * @param destination destination address, null for frames without one
 * @param protocol    IP protocol name or number ("udp", "tcp", "icmp", "50"), null without IP
 * @param sourcePort  -1 when the protocol has no ports
 * @param destinationPort -1 when the protocol has no ports
 * @param mac         source MAC ({@code 02:00:00:00:00:01}) or null
 * @param vlan        VLAN tags ("100" or "100.20" for QinQ) or null
 * @param policyRule  the policy statement the traffic breaks, in words
 * @param seen        for an unplanned host: what showed its address ("ARP sender", "IPv4 source, udp to
 *                    ..."), else null
 * @param planned     for an unplanned host: the unit's allocations on that interface's zones, else null
 */
public record Finding(FindingRule rule, long timeNanos, String interfaceName, String source, String destination,
                      String protocol, int sourcePort, int destinationPort, String mac, String vlan, String policyRule,
                      String seen, String planned) {

    /** A finding about a flow (every rule but {@link FindingRule#UNPLANNED_HOST}). */
    public Finding(FindingRule rule, long timeNanos, String interfaceName, String source, String destination,
                   String protocol, int sourcePort, int destinationPort, String mac, String vlan, String policyRule) {
        this(rule, timeNanos, interfaceName, source, destination, protocol, sourcePort, destinationPort, mac, vlan,
                policyRule, null, null);
    }

    /**
     * The evidence map of the alarm: keys time, interface, src, dst, sport, dport, proto, mac, vlan,
     * (for an unplanned host: seen, planned), rule; keys without a value are left out.
     */
    public Map<String, String> evidence() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("time", Instant.ofEpochSecond(timeNanos / 1_000_000_000L, timeNanos % 1_000_000_000L).toString());
        put(e, "interface", interfaceName);
        put(e, "src", source);
        put(e, "dst", destination);
        put(e, "sport", sourcePort < 0 ? null : Integer.toString(sourcePort));
        put(e, "dport", destinationPort < 0 ? null : Integer.toString(destinationPort));
        put(e, "proto", protocol);
        put(e, "mac", mac);
        put(e, "vlan", vlan);
        put(e, "seen", seen);
        put(e, "planned", planned);
        e.put("rule", policyRule);
        return e;
    }

    /** As an alarm from the isolation capability, at the severity the rule deserves. */
    public Alarm toAlarm() {
        Alarm.Severity severity = switch (rule) {
            case OUTBOUND, OUTBOUND_DNS, DUAL_HOMED -> Alarm.Severity.CRITICAL;
            case BACKBONE_BYPASS, CROSS_ZONE, UNPLANNED_HOST -> Alarm.Severity.MAJOR;
            case UNZONED_INTERFACE -> Alarm.Severity.MINOR;
        };
        // An unplanned host's message names the host and the unit's allocation it is outside of.
        String message = rule != FindingRule.UNPLANNED_HOST ? rule.description()
                : "host " + source + (mac == null ? "" : " (" + mac + ")") + (interfaceName == null ? "" : " on " + interfaceName)
                + " is outside the address plan: " + policyRule;
        return new Alarm(rule.alarmKind(), severity, "isolation", message, evidence(), timeNanos / 1_000_000L);
    }

    private static void put(Map<String, String> e, String key, String value) {
        if (value != null) {
            e.put(key, value);
        }
    }
}
