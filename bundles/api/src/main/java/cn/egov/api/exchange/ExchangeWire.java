package cn.egov.api.exchange;

/**
 * The document exchange's messages between a box and the provincial exchange hub (the manager).
 * Every message is a KuraPayload; the envelope, receipt or directory travels as its body.
 *
 * <p>Box to hub, through the box's durable outbox on {@code <account>/<box>/EXCHANGE/<resource>}
 * (priority 1: never evicted):
 * <ul>
 *   <li>{@link #DOC}: a sealed document (body: CMS EnvelopedData) with {@link #MESSAGE_ID}, {@link #ISSUER},
 *       {@link #RECIPIENTS} (the recipients not served by the sending box), {@link #URGENCY}, {@link #DEADLINE}</li>
 *   <li>{@link #DELIVERED}: the recipient box stored a document ({@link #MESSAGE_ID}, {@link #RECIPIENT})</li>
 *   <li>{@link #RECEIPT}: a signed receipt (body: CMS SignedData) ({@link #MESSAGE_ID}, {@link #RECIPIENT}, {@link #ISSUER})</li>
 *   <li>{@link #FAILED}: the recipient refused the document ({@link #MESSAGE_ID}, {@link #RECIPIENT}, {@link #REASON})</li>
 *   <li>{@link #NOTICE_ACK}: the box committed the hub's notices {@link #NOTICE_IDS}</li>
 *   <li>{@link #REGISTER}: the encryption certificate of a unit the box serves (body: DER)</li>
 * </ul>
 * Hub to box, QoS 1 on the box's control topics {@code $EDC/<account>/<box>/EXCHANGE/<resource>}:
 * <ul>
 *   <li>{@link #PUT_DOC}: a document for units the box serves ({@link #MESSAGE_ID}, {@link #ISSUER},
 *       {@link #RECIPIENTS}, {@link #DEADLINE}, {@link #NOTICE_ID})</li>
 *   <li>{@link #PUT_NOTICE}: news for a sender ({@link #NOTICE_ID}, {@link #KIND}, {@link #MESSAGE_ID},
 *       {@link #RECIPIENT}, {@link #REASON}; body: the receipt for kind {@code RECEIPT})</li>
 *   <li>{@link #PUT_DIRECTORY}: every unit's encryption certificate (body: JSON)</li>
 * </ul>
 * The hub sends a notice or document again at every BIRTH of the box and periodically until the
 * box acknowledges it ({@link #NOTICE_ACK}, {@link #DELIVERED}, {@link #FAILED}): the box's session is
 * clean, so a message published while it is offline would otherwise be lost.
 */
public final class ExchangeWire {
    public static final String APP_ID = "EXCHANGE";

    public static final String DOC = "doc";
    public static final String DELIVERED = "delivered";
    public static final String RECEIPT = "receipt";
    public static final String FAILED = "failed";
    public static final String NOTICE_ACK = "notice-ack";
    public static final String REGISTER = "register";

    public static final String PUT_DOC = "PUT/doc";
    public static final String PUT_NOTICE = "PUT/notice";
    public static final String PUT_DIRECTORY = "PUT/directory";

    public static final String MESSAGE_ID = "message_id";
    public static final String ISSUER = "issuer";
    public static final String RECIPIENTS = "recipients";
    public static final String RECIPIENT = "recipient";
    public static final String URGENCY = "urgency";
    public static final String DEADLINE = "deadline";
    public static final String REASON = "reason";
    public static final String NOTICE_ID = "notice_id";
    public static final String NOTICE_IDS = "notice_ids";
    public static final String KIND = "kind";
    public static final String UNIT = "unit";

    /** What a {@link #PUT_NOTICE} tells the sender. */
    public enum NoticeKind {
        /** The hub stored the document. */
        AT_HUB,
        /** The recipient's box stored it. */
        DELIVERED,
        /** The recipient's signed receipt (body). */
        RECEIPT,
        /** The recipient refused it (bad signature, not for its key...): an error, never a receipt. */
        FAILED,
        /** The deadline passed before the recipient's box was reached, or the hub refused the document. */
        UNDELIVERABLE
    }

    private ExchangeWire() {
    }
}
