package cn.egov.vpn;

import cn.egov.vpn.swanctl.Revocation;
import cn.egov.vpn.swanctl.TrafficSelector;
import cn.egov.rules.plan.Zone;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads a {@link TunnelSpec} from the component's configuration; every error names the field. */
public final class TunnelSpecs {

    /** The connection and child name in swanctl.conf on every box. */
    public static final String CONNECTION = "backbone";

    private TunnelSpecs() {
    }

    /**
     * @param unit this box's unit, whose allocations in the plan become the local subnets
     * @throws IOException when the configured plan cannot be read
     */
    public static TunnelSpec fromConfig(TunnelConfig c, UnitCode unit) throws IOException {
        return new TunnelSpec(CONNECTION, path("cert_path", c.cert_path()), path("key_path", c.key_path()),
                paths("ca_cert_paths", c.ca_cert_paths()), revocation(c.hub_revocation()),
                text("hub_address", c.hub_address()), text("hub_id", c.hub_id()),
                localSubnets(c, unit), selectors("backbone_prefixes", c.backbone_prefixes()),
                List.of(nonNull(c.ike_proposals())), List.of(nonNull(c.esp_proposals())),
                seconds("dpd_delay_s", c.dpd_delay_s()), seconds("ike_rekey_s", c.ike_rekey_s()),
                seconds("child_rekey_s", c.child_rekey_s()));
    }

    /** From the address plan when one is configured, else from {@code local_subnets}; never both. */
    static List<TrafficSelector> localSubnets(TunnelConfig c, UnitCode unit) throws IOException {
        boolean fromPlan = c.plan_path() != null && !c.plan_path().isBlank();
        boolean listed = c.local_subnets() != null && c.local_subnets().length > 0;
        if (fromPlan && listed) {
            throw new IllegalArgumentException("tunnel settings plan_path and local_subnets are both set; "
                    + "the plan decides the unit's subnets, remove local_subnets");
        }
        if (!fromPlan) {
            return selectors("local_subnets", c.local_subnets());
        }
        Zone zone;
        try {
            zone = Zone.parse(text("plan_zone", c.plan_zone()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tunnel setting plan_zone: " + e.getMessage(), e);
        }
        return PlanSelectors.localSubnets(PlanSelectors.readPlan(path("plan_path", c.plan_path())), unit, zone);
    }

    public static List<TrafficSelector> selectors(String field, String[] values) {
        List<TrafficSelector> out = new ArrayList<>();
        String[] v = nonNull(values);
        for (int i = 0; i < v.length; i++) {
            out.add(TrafficSelector.parse(field + "[" + i + "]", v[i]));
        }
        return out;
    }

    static Revocation revocation(String value) {
        for (Revocation r : Revocation.values()) {
            if (r.keyword().equals(value == null ? "" : value.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("tunnel setting hub_revocation: '" + value + "' is not one of strict, ifuri, relaxed");
    }

    static Path path(String field, String value) {
        Path p = Path.of(text(field, value));
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException("tunnel setting " + field + ": '" + value + "' must be an absolute path");
        }
        return p;
    }

    private static List<Path> paths(String field, String[] values) {
        List<Path> out = new ArrayList<>();
        String[] v = nonNull(values);
        for (int i = 0; i < v.length; i++) {
            out.add(path(field + "[" + i + "]", v[i]));
        }
        return out;
    }

    static String text(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("tunnel setting " + field + " is missing");
        }
        return value.trim();
    }

    /** The retry delays: each positive, the longest not below the first (named by their keys, not as "PT2S"). */
    static Backoff backoff(TunnelConfig c) {
        Duration initial = seconds("retry_initial_s", c.retry_initial_s());
        Duration max = seconds("retry_max_s", c.retry_max_s());
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("tunnel setting retry_max_s (" + c.retry_max_s() + ") must not be below retry_initial_s ("
                    + c.retry_initial_s() + ")");
        }
        return new Backoff(initial, max);
    }

    static Duration seconds(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("tunnel setting " + field + " must be positive, got " + value);
        }
        return Duration.ofSeconds(value);
    }

    private static String[] nonNull(String[] v) {
        return v == null ? new String[0] : v;
    }
}
