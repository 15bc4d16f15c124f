package cn.egov.manager.broker;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Keeps each MQTT client's publishes in the order it sent them, as MQTT 3.1.1 section 4.6 requires
 * of the server (and as the box's outbox promises priority-then-age to the manager).
 *
 * <p>Why: Artemis's MQTT handler runs a connection's packets on whichever broker pool thread is
 * free and does not bind the session's operation context to that thread. A durable message is put
 * on its queue (and PUBACKed) by a journal callback of the thread's own context; contexts of two
 * threads complete independently, so a box's messages handled on two threads reached the
 * subscriber as two interleaved runs, although the box sent them in order (seen on the wire).
 * Binding the session's own context before the message is routed, as Artemis's core protocol does
 * for each packet, puts the store, the queue insert and the PUBACK of every message of a
 * connection into one context, which completes in order. The binding stays after {@code send}:
 * the MQTT handler commits the message's transaction and sends the PUBACK right after it, on this
 * thread, and both must go through the same context.
 *
 * <p>A binding left on a pool thread must not be inherited by the next connection that thread
 * serves: MQTT's CONNECT stores the session state and waits for the thread's context to complete,
 * and a busy box's context may never be idle. So a new session binds its own context at once.
 */
final class PublishOrderPlugin implements ActiveMQServerMessagePlugin, ActiveMQServerSessionPlugin {

    private volatile ActiveMQServer server;

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void afterCreateSession(ServerSession session) {
        bind(session);
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue) {
        bind(session);
    }

    private void bind(ServerSession session) {
        OperationContext context = session.getSessionContext();
        ActiveMQServer s = server;
        if (context != null && s != null) {
            s.getStorageManager().setContext(context);
        }
    }
}
