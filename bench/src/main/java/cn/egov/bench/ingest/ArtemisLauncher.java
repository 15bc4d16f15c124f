package cn.egov.bench.ingest;

import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.broker.InternalClientGate;
import cn.egov.manager.broker.TopicAcl;
import java.nio.file.Path;

/**
 * Starts the manager's embedded Artemis (same settings and topic ACL as in the manager) in its own JVM; prints "ready". For {@link BrokerNoLossProbe} and footprint figures.
 *
 * <pre>java -cp ... cn.egov.bench.ingest.ArtemisLauncher PORT DIR</pre>
 */
public final class ArtemisLauncher {
    public static void main(String[] args) throws Exception {
        ArtemisBroker broker = new ArtemisBroker("127.0.0.1", Integer.parseInt(args[0]), Path.of(args[1]), 2L << 30,
                InternalClientGate.openToBoxes(), new TopicAcl("hebei"));
        broker.start();
        System.out.println("ready");
        Thread.currentThread().join();
    }
}
