package cn.egov.manager.broker;

/** The broker's answer to a CONNECT: who the client is, or why it is refused. */
public sealed interface Verdict {

    /** The client may connect as {@code identity}. */
    record Accepted(ClientIdentity identity) implements Verdict {
    }

    /**
     * The client is refused.
     *
     * @param reason counted per reason
     * @param detail one sentence naming what was wrong (may contain text from the client: log it with LogSafe)
     */
    record Refused(ConnectRefusal reason, String detail) implements Verdict {
    }

    static Verdict accept(ClientRole role, String name) {
        return new Accepted(new ClientIdentity(role, name));
    }

    static Verdict refuse(ConnectRefusal reason, String detail) {
        return new Refused(reason, detail);
    }
}
