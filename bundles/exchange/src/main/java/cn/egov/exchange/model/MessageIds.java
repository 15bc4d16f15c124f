package cn.egov.exchange.model;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Message ids: a random UUID made once when a document is first handed to the exchange. An
 * application that sends the same document again passes the same id, so that every receiver can
 * recognise the repeat (eDelivery gateways that give a resend a new id defeat their own de-duplication).
 */
public final class MessageIds {

    private static final Pattern FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private MessageIds() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** The id itself when it is a lower-case UUID, else a {@link DocumentRefused} on {@code message id}. */
    public static String check(String id) {
        if (id == null || !FORM.matcher(id).matches()) {
            throw new DocumentRefused("message id", "'" + (id == null ? "" : cn.egov.api.text.LogSafe.of(id))
                    + "' is not a lower-case UUID");
        }
        return id;
    }
}
