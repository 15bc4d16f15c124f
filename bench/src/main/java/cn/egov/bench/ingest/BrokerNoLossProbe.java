package cn.egov.bench.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Broker candidate check: does a broker lose QoS 1 messages to a subscriber that falls behind?
 * Publishers send as fast as the broker acknowledges; one persistent-session subscriber sleeps
 * per message. Reports published, received once, duplicates, lost, and the times.
 *
 * <pre>java -cp ... cn.egov.bench.ingest.BrokerNoLossProbe tcp://127.0.0.1:PORT [publishers=20] [perPublisher=500] [slowMs=2]</pre>
 */
public final class BrokerNoLossProbe {

    private static final int WINDOW = 50;
    private static final long QUIET_MS = 30_000;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int publishers = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int per = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        long slowMs = args.length > 3 ? Long.parseLong(args[3]) : 2;
        long total = (long) publishers * per;
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicLong lastArrival = new AtomicLong(System.currentTimeMillis());
        MqttClient sub = new MqttClient(url, "probe-subscriber", new MemoryPersistence());
        sub.setCallback(new MqttCallback() {
            public void connectionLost(Throwable cause) {
                System.out.println("subscriber connection lost: " + cause);
            }

            public void messageArrived(String topic, MqttMessage m) throws InterruptedException {
                seen.merge(new String(m.getPayload(), StandardCharsets.UTF_8), 1, Integer::sum);
                lastArrival.set(System.currentTimeMillis());
                Thread.sleep(slowMs); // the slow subscriber
            }

            public void deliveryComplete(IMqttDeliveryToken t) {
            }
        });
        MqttConnectOptions so = new MqttConnectOptions();
        so.setCleanSession(false);
        so.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        so.setKeepAliveInterval(60);
        sub.connect(so);
        sub.subscribe("hebei/+/PROBE/#", 1);

        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int pub = p;
            done.add(pool.submit(() -> {
                String id = String.format("139900-%03d", pub); // a unit code: the ACL lets it publish under its own id
                MqttAsyncClient c = new MqttAsyncClient(url, id, new MemoryPersistence());
                MqttConnectOptions o = new MqttConnectOptions();
                o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
                o.setMaxInflight(WINDOW * 2);
                c.connect(o).waitForCompletion(60_000);
                Deque<IMqttDeliveryToken> window = new ArrayDeque<>();
                for (int n = 0; n < per; n++) {
                    if (window.size() >= WINDOW) {
                        window.removeFirst().waitForCompletion(120_000);
                    }
                    window.addLast(c.publish("hebei/" + id + "/PROBE/seq", (pub + ":" + n).getBytes(StandardCharsets.UTF_8), 1, false));
                }
                while (!window.isEmpty()) {
                    window.removeFirst().waitForCompletion(120_000);
                }
                c.disconnect().waitForCompletion(10_000);
                c.close();
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        double publishS = (System.nanoTime() - t0) / 1e9;
        while (seen.size() < total && System.currentTimeMillis() - lastArrival.get() < QUIET_MS) {
            Thread.sleep(100);
        }
        double drainS = (System.nanoTime() - t0) / 1e9;
        long dups = seen.values().stream().mapToLong(v -> v - 1).sum();
        System.out.printf("published %d (acknowledged) in %.1f s = %.0f msg/s; received once %d, duplicates %d, lost %d;"
                        + " all received after %.1f s%n", total, publishS, total / publishS, seen.size(), dups, total - seen.size(),
                seen.size() == total ? drainS : Double.NaN);
        sub.disconnect();
        sub.close();
    }
}
