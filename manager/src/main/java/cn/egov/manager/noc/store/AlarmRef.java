package cn.egov.manager.noc.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Which stored alarm an operator means: the columns that single out a row of the shell's
 * {@code alarms} table (the box's message id, or for the manager's own alarms their kind and
 * times), carried in URLs as one opaque URL-safe {@link #id()}. Two manager alarms of one kind raised
 * in the same millisecond with the same time are one alarm here.
 *
 * @param clientId the box, or {@code manager}
 * @param received when the manager stored it (ms)
 * @param ts       the alarm's own time (ms)
 * @param kind     its kind
 * @param epoch    the box's message epoch, or "" when it had none
 * @param seq      the box's message sequence, or -1
 */
public record AlarmRef(String clientId, long received, long ts, String kind, String epoch, long seq) {

    private static final char SEP = '\u001f';
    /** Longer ids are not ours (a kind is at most 128 characters, an epoch 64). */
    private static final int MAX_ID = 1024;

    /** The URL form: base64url of the fields. */
    public String id() {
        String raw = clientId + SEP + received + SEP + ts + SEP + kind + SEP + epoch + SEP + seq;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads an {@link #id()}; empty when it is not one. */
    public static Optional<AlarmRef> parse(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID || !id.matches("[A-Za-z0-9_-]+")) {
            return Optional.empty();
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(id), StandardCharsets.UTF_8);
            String[] f = raw.split(String.valueOf(SEP), -1);
            if (f.length != 6) {
                return Optional.empty();
            }
            return Optional.of(new AlarmRef(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], f[4], Long.parseLong(f[5])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
