package cn.egov.vpn.vici;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.vpn.ChildSa;
import cn.egov.vpn.IkeSa;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaListReaderTest {

    /** The shape charon 5.9 sends in a list-sa event (values as seen in the lab). */
    static ViciMessage event(String ike, long ikeId, String state, long childId, long bytesOut) {
        ViciMessage child = ViciMessage.builder()
                .put("name", "backbone").put("uniqueid", Long.toString(childId)).put("state", "INSTALLED")
                .put("bytes-in", "2000").put("packets-in", "10").put("bytes-out", Long.toString(bytesOut))
                .put("packets-out", "11").put("local-ts", List.of("10.8.1.0/24")).put("remote-ts", List.of("10.8.100.0/24"))
                .build();
        return ViciMessage.builder().put(ike, ViciMessage.builder()
                .put("uniqueid", Long.toString(ikeId)).put("version", "2").put("state", state)
                .put("remote-host", "192.0.2.2").put("remote-id", "C=CN, O=Hebei, CN=hub")
                .put("established", "12")
                .put("child-sas", ViciMessage.builder().put("backbone-" + childId, child).build())
                .build()).build();
    }

    @Test
    void readsIkeAndChildSas() {
        List<IkeSa> sas = SaListReader.read(List.of(event("backbone", 3, "ESTABLISHED", 4, 3000)));
        assertEquals(1, sas.size());
        IkeSa ike = sas.get(0);
        assertEquals("backbone", ike.connection());
        assertEquals(3, ike.uniqueId());
        assertTrue(ike.established());
        assertEquals("C=CN, O=Hebei, CN=hub", ike.remoteId());
        assertEquals(12, ike.establishedSeconds());
        ChildSa c = ike.children().get(0);
        assertEquals(new ChildSa("backbone", 4, "INSTALLED", 2000, 3000, 10, 11, List.of("10.8.1.0/24"),
                List.of("10.8.100.0/24")), c);
    }

    @Test
    void missingNumbersReadAsZeroNotAsFailure() {
        ViciMessage bare = ViciMessage.builder().put("backbone", ViciMessage.builder().put("state", "CONNECTING").build()).build();
        IkeSa ike = SaListReader.read(List.of(bare)).get(0);
        assertEquals("CONNECTING", ike.state());
        assertEquals(0, ike.establishedSeconds());
        assertTrue(ike.children().isEmpty());
    }
}
