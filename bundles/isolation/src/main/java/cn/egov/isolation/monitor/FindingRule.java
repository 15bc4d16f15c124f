package cn.egov.isolation.monitor;

/** The kinds of violation the monitor and the audit report; {@link #alarmKind} is the alarm's topic resource. */
public enum FindingRule {
    /** 违规外联: an internal-zone host sent to an address outside the planned government prefixes. */
    OUTBOUND("isolation.outbound", "internal host sent to an address outside the planned government prefixes (违规外联)"),
    /** The same, as a DNS query to a resolver outside the plan (a public resolver). */
    OUTBOUND_DNS("isolation.outbound-dns", "internal host queried a DNS resolver outside the planned government prefixes (违规外联)"),
    /** Traffic to backbone prefixes that is neither inside the tunnel nor the tunnel itself. */
    BACKBONE_BYPASS("isolation.backbone-bypass", "traffic to the backbone outside the tunnel"),
    /** Traffic between two zones that the policy does not allow. */
    CROSS_ZONE("isolation.cross-zone", "traffic between zones that the policy denies"),
    /** One source MAC address seen in two zones: a dual-homed host bridging them. */
    DUAL_HOMED("isolation.dual-homed", "one MAC address seen in two zones (dual-homed host)"),
    /** Traffic on an interface that the policy assigns to no zone. */
    UNZONED_INTERFACE("isolation.unzoned-interface", "traffic on an interface assigned to no zone"),
    /** 私接设备: a host on an internal or external LAN with an address outside the unit's planned allocations. */
    UNPLANNED_HOST("isolation.unplanned-host", "host on a LAN with an address outside the unit's planned allocations (私接设备)");

    private final String alarmKind;
    private final String description;

    FindingRule(String alarmKind, String description) {
        this.alarmKind = alarmKind;
        this.description = description;
    }

    public String alarmKind() {
        return alarmKind;
    }

    public String description() {
        return description;
    }
}
