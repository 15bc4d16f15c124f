package cn.egov.manager.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.topic.KuraTopic;
import cn.egov.exchange.model.MessageIds;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.manager.ingest.InboundMessage;
import cn.egov.manager.store.Database;
import cn.egov.manager.support.Poll;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's writer and sender threads over a real SQLite store, the broker in the test's hands: the
 * sends of batches committed while the sender is busy are not lost to the resend timer.
 */
class HubInboxTest {

    static final String BOX = "130602-001";
    static final int MESSAGES = 40;

    @TempDir
    Path dir;

    /**
     * The sender is held on its first publish while the writer commits 40 batches; only 3 messages
     * may wait in memory. Once the broker answers again, every notice reaches the box without the
     * resend timer ({@link ExchangeHub#tick} is never called): merged into one round, and what did not
     * fit read back from the store for its box at once. Before, the sends that did not fit waited for
     * the timer (every exchange.resend-s / 2), which paced the receipts' way back and left notices
     * unacknowledged for up to 30 s.
     */
    @Test
    void sendsOfBatchesCommittedWhileTheSenderIsBusyGoOutWithoutTheTimer() throws Exception {
        Database db = Database.open("jdbc:sqlite:" + dir.resolve("manager.db"));
        HubStore store = new HubStore(db);
        CountDownLatch gate = new CountDownLatch(1);
        Set<String> published = ConcurrentHashMap.newKeySet();
        AtomicInteger rounds = new AtomicInteger();
        BoxMessenger broker = new BoxMessenger() {
            @Override
            public void publish(KuraTopic topic, KuraPayload payload, boolean retained) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean[] publishAll(List<Outgoing> messages, Duration timeout) {
                try {
                    gate.await(60, TimeUnit.SECONDS); // the broker is slow to answer until the test opens the gate
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                rounds.incrementAndGet();
                boolean[] ok = new boolean[messages.size()];
                for (int i = 0; i < ok.length; i++) {
                    assertEquals(KuraTopic.control("hebei", BOX, ExchangeWire.APP_ID, ExchangeWire.PUT_NOTICE), messages.get(i).topic());
                    published.add(messages.get(i).payload().stringMetric(ExchangeWire.NOTICE_ID));
                    ok[i] = true;
                }
                return ok;
            }
        };
        HubSettings settings = new HubSettings(1 << 20, Duration.ofDays(30), Duration.ofSeconds(60), Duration.ofMinutes(30), 100, 1);
        HubInbox inbox = new HubInbox(broker, "hebei", 100, 1, 3,
                sender -> new ExchangeHub(store, settings, null, sender, box -> true, Clock.systemUTC()));
        inbox.start();
        try {
            AtomicInteger acked = new AtomicInteger();
            for (int i = 0; i < MESSAGES; i++) {
                // a document for a unit the box does not serve: refused, the box gets an UNDELIVERABLE notice
                KuraPayload doc = KuraPayload.builder().timestamp(System.currentTimeMillis()).metric(ExchangeWire.MESSAGE_ID, MessageIds.newId())
                        .metric(ExchangeWire.ISSUER, "130602-009").metric(ExchangeWire.RECIPIENTS, "130602-002").body(new byte[] {1}).build();
                inbox.onArrived(new InboundMessage("hebei/" + BOX + "/" + ExchangeWire.APP_ID + "/" + ExchangeWire.DOC,
                        KuraPayloadCodec.encode(doc), i + 1, 1, System.currentTimeMillis()), m -> acked.incrementAndGet());
            }
            Poll.until("every batch committed and acknowledged", 30_000, () -> acked.get() == MESSAGES);
            assertEquals(MESSAGES, count(db, "SELECT COUNT(*) FROM exchange_notice"));
            assertTrue(inbox.sendsDeferred() > 0, "more sends than fit in memory waited: " + inbox.sendsDeferred());
            assertTrue(inbox.sendsWaiting() <= 3, "at most the bound waits in memory: " + inbox.sendsWaiting());

            gate.countDown();
            Poll.until("every notice sent, no timer involved", 30_000, () -> published.size() == MESSAGES);
            Poll.until("every notice recorded as sent", 30_000, () -> count(db, "SELECT COUNT(*) FROM exchange_notice WHERE attempts = 0") == 0);
            // the 39 batches committed behind the first went in a few rounds, not one round each
            assertTrue(rounds.get() < MESSAGES / 2, "publish rounds: " + rounds.get());
        } finally {
            gate.countDown();
            inbox.close();
            store.close();
        }
    }

    private static long count(Database db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
