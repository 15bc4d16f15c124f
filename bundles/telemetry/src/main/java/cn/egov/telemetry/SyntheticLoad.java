package cn.egov.telemetry;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.topic.KuraTopic;
import cn.egov.telemetry.outbox.DurableOutbox;
import cn.egov.telemetry.outbox.OutgoingMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Queues synthetic messages of mixed priorities on {@code <account>/<client-id>/LOAD/msg}, for
 * tests and load drivers that need a box with a backlog. Each carries its {@code index}; the
 * priority sequence is reproducible from the seed.
 */
public final class SyntheticLoad {
    public static final String APP_ID = "LOAD";
    public static final String RESOURCE = "msg";
    public static final String INDEX_METRIC = "index";
    private static final int BATCH = 1_000;

    private SyntheticLoad() {
    }

    /** Queues {@code count} messages in batched transactions; priorities are drawn from 0..{@link Priority#LOWEST}. */
    public static void generate(DurableOutbox outbox, String account, String clientId, int count, long seed) {
        String topic = KuraTopic.telemetry(account, clientId, APP_ID, RESOURCE).toString();
        SplittableRandom random = new SplittableRandom(seed);
        List<OutgoingMessage> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < count; i++) {
            KuraPayload p = KuraPayload.builder().timestamp(System.currentTimeMillis()).metric(INDEX_METRIC, i).build();
            batch.add(new OutgoingMessage(topic, p, random.nextInt(Priority.LOWEST + 1)));
            if (batch.size() == BATCH || i == count - 1) {
                outbox.enqueueAll(batch);
                batch = new ArrayList<>(BATCH);
            }
        }
    }
}
