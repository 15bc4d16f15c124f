package cn.egov.bench.ingest;

import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.broker.ClientRole;
import cn.egov.manager.broker.RefusalLog;
import cn.egov.manager.broker.TopicAcl;
import cn.egov.manager.broker.Verdict;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;

/**
 * Starts the manager's embedded Artemis (same settings and topic ACL as in the manager) in its own JVM; prints "ready". For {@link BrokerNoLossProbe} and footprint figures.
 *
 * <p>Benchmark only: its gate lets every client of the plain listener in without credentials (a
 * unit code as a box, anything else as the manager's subscriber), so that the probe measures the
 * broker as the HiveMQ probe does. The manager itself never runs such a gate.
 *
 * <pre>java -cp ... cn.egov.bench.ingest.ArtemisLauncher PORT DIR</pre>
 */
public final class ArtemisLauncher {
    public static void main(String[] args) throws Exception {
        ArtemisBroker broker = new ArtemisBroker(Path.of(args[1]), 2L << 30, new TopicAcl("hebei"), ArtemisLauncher::benchGate,
                new RefusalLog(r -> { })).listenPlain("127.0.0.1", Integer.parseInt(args[0]));
        broker.start();
        broker.open();
        System.out.println("ready");
        Thread.currentThread().join();
    }

    static Verdict benchGate(cn.egov.manager.broker.Listener listener, cn.egov.manager.broker.ClientCredentials c) {
        return c.clientId() != null && UnitCode.isValid(c.clientId())
                ? Verdict.accept(ClientRole.BOX, c.clientId()) : Verdict.accept(ClientRole.MANAGER, String.valueOf(c.clientId()));
    }
}
