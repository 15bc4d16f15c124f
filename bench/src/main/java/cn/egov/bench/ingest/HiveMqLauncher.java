package cn.egov.bench.ingest;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts HiveMQ CE embedded (candidate broker) on a port with a raised per-client queue, no usage
 * statistics; prints "ready" and runs until killed. For {@link BrokerNoLossProbe}.
 *
 * <pre>java -cp ... cn.egov.bench.ingest.HiveMqLauncher PORT DIR [maxQueue=1000000]</pre>
 */
public final class HiveMqLauncher {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        String maxQueue = args.length > 2 ? args[2] : "1000000";
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                  <mqtt><queued-messages><max-queue-size>%s</max-queue-size><strategy>discard</strategy></queued-messages></mqtt>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, maxQueue));
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions"))).build();
        hivemq.start().join();
        System.out.println("ready");
        Thread.currentThread().join();
    }
}
