package cn.egov.manager.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.plan.Zone;
import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.PlanSelectors;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HubConfigGeneratorTest {

    static final HubSpec HUB = HubSpec.withDefaults("192.0.2.2", Path.of("/etc/egov/hub.pem"), Path.of("/etc/egov/hub.key"),
            List.of(Path.of("/etc/egov/root.pem"), Path.of("/etc/egov/issuing.pem")),
            List.of(TrafficSelector.parse("t", "10.200.0.0/16")), "CN", "Hebei Provincial E-Government CA");

    static HubUnit unit(String code, String... subnets) {
        return new HubUnit(UnitCode.parse(code), java.util.Arrays.stream(subnets).map(s -> TrafficSelector.parse("t", s)).toList());
    }

    @Test
    void oneStrictResponderConnectionPerUnit() {
        String conf = HubConfigGenerator.render(HUB, List.of(unit("130602-001", "198.18.80.16/28"), unit("130602-002", "198.18.80.32/28")));
        assertTrue(conf.contains("""
                  unit-130602-001 {
                    version = 2
                    local_addrs = 192.0.2.2
                    proposals = aes256gcm16-prfsha384-ecp384,aes128gcm16-prfsha256-ecp256
                    dpd_delay = 30s
                    keyingtries = 1
                    local {
                      auth = pubkey
                      certs = "/etc/egov/hub.pem"
                    }
                    remote {
                      auth = pubkey
                      id = "C=CN, O=Hebei Provincial E-Government CA, OU=130602, CN=130602-001"
                      cacerts = "/etc/egov/root.pem","/etc/egov/issuing.pem"
                      revocation = strict
                    }
                    children {
                      unit-130602-001 {
                        local_ts = 10.200.0.0/16
                        remote_ts = 198.18.80.16/28
                        esp_proposals = aes256gcm16-ecp384,aes128gcm16-ecp256
                        start_action = none
                        dpd_action = clear
                      }
                    }
                  }
                """), conf);
        assertTrue(conf.contains("CN=130602-002") && conf.contains("remote_ts = 198.18.80.32/28"));
        assertTrue(!conf.contains("remote_addrs"), "a responder accepts boxes from any address");
    }

    @Test
    void overlappingUnitsAreRefusedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubConfigGenerator.generate(HUB,
                List.of(unit("130602-001", "10.6.8.0/25"), unit("130602-002", "10.6.8.64/26"))));
        assertEquals("subnet 10.6.8.64/26 of unit 130602-002 overlaps 10.6.8.0/25 of unit 130602-001; "
                + "each unit's tunnel must carry only its own allocation", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HubConfigGenerator.generate(HUB,
                List.of(unit("130602-001", "10.6.8.0/25"), unit("130602-001", "10.6.9.0/25"))));
    }

    @Test
    void unitsComeFromTheProvincePlan() throws Exception {
        List<HubUnit> units = HubUnits.fromPlan(PlanSelectors.readPlan(Path.of("../rules/plan")), Zone.EXTERNAL);
        assertTrue(units.stream().anyMatch(u -> u.unit().toString().equals("130602-001")
                && u.subnets().get(0).toString().equals("198.18.80.16/28")), units.toString());
        // The province's plan is valid, so its units never overlap: the hub configuration renders.
        assertTrue(HubConfigGenerator.render(HUB, units).contains("unit-130602-001"));
    }
}
