package cn.egov.vpn.vici;

import cn.egov.vpn.ChildSa;
import cn.egov.vpn.IkeSa;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns {@code list-sa} events into {@link IkeSa} records. */
public final class SaListReader {

    private SaListReader() {
    }

    public static List<IkeSa> read(List<ViciMessage> events) {
        List<IkeSa> out = new ArrayList<>();
        for (ViciMessage event : events) {
            for (Map.Entry<String, ViciMessage> ike : event.sections().entrySet()) {
                out.add(readIke(ike.getKey(), ike.getValue()));
            }
        }
        return out;
    }

    private static IkeSa readIke(String name, ViciMessage m) {
        List<ChildSa> children = new ArrayList<>();
        for (ViciMessage c : m.section("child-sas").sections().values()) {
            children.add(new ChildSa(c.value("name"), c.longValue("uniqueid", -1), c.value("state"),
                    c.longValue("bytes-in", 0), c.longValue("bytes-out", 0),
                    c.longValue("packets-in", 0), c.longValue("packets-out", 0),
                    c.list("local-ts"), c.list("remote-ts")));
        }
        return new IkeSa(name, m.longValue("uniqueid", -1), m.value("state"), m.value("remote-host"),
                m.value("remote-id"), m.longValue("established", 0), children);
    }
}
