package cn.egov.manager.broker;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Keeps each MQTT client's publishes in the order it sent them, on their way in and on their way
 * out, as MQTT 3.1.1 section 4.6 requires of the server (and as the box's outbox promises
 * priority-then-age to the manager).
 *
 * <p>Artemis (2.44) runs a connection's packets as tasks of a per-connection actor on whichever
 * broker pool thread is free, and every journal write and every packet it writes to a client waits
 * for the operation context bound to the current thread (a thread-local; a pool thread keeps
 * whatever was bound last). Two threads, two contexts, completing independently: order is lost.
 *
 * <p><b>In:</b> a durable message is put on its queue, and PUBACKed, by completions of the context
 * its transaction was committed in. Binding the publishing session's own context before the
 * message is routed puts the store, the queue insert and the PUBACK of every message of a
 * connection into one context, which completes in order. The binding stays after {@code send}:
 * the MQTT handler commits the transaction and sends the PUBACK right after it, on this thread.
 *
 * <p><b>Out:</b> a PUBLISH to a subscriber is written once the context of the delivering thread
 * (the queue's executor, a pool thread) has completed. Left alone, that is some box's context,
 * bound there by the publish above, with its own journal syncs pending: a box's backlog reached
 * the manager's subscriber reordered by a hundred messages (BoxBacklogReachesManagerTest). So each
 * delivery binds the subscriber's own session context, and the thread's binding is put back after.
 *
 * <p>A binding left on a pool thread must not be inherited by the next connection that thread
 * serves, so a new session binds its own context at once.
 */
final class PublishOrderPlugin implements ActiveMQServerMessagePlugin, ActiveMQServerSessionPlugin {

    /** The binding a delivery replaced on this thread, put back after it. */
    private static final ThreadLocal<OperationContext> BEFORE_DELIVERY = new ThreadLocal<>();

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

    @Override
    public void beforeDeliver(ServerConsumer consumer, MessageReference reference) {
        ActiveMQServer s = server;
        ServerSession subscriber = s == null ? null : s.getSessionByID(consumer.getSessionID());
        if (subscriber != null && subscriber.getSessionContext() != null) {
            BEFORE_DELIVERY.set(s.getStorageManager().getContext());
            s.getStorageManager().setContext(subscriber.getSessionContext());
        }
    }

    @Override
    public void afterDeliver(ServerConsumer consumer, MessageReference reference) {
        OperationContext before = BEFORE_DELIVERY.get();
        ActiveMQServer s = server;
        if (before != null && s != null) {
            BEFORE_DELIVERY.remove();
            s.getStorageManager().setContext(before);
        }
    }

    private void bind(ServerSession session) {
        OperationContext context = session.getSessionContext();
        ActiveMQServer s = server;
        if (context != null && s != null) {
            s.getStorageManager().setContext(context);
        }
    }
}
