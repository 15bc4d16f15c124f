package cn.egov.api.update;

import cn.egov.api.payload.KuraPayload;
import cn.egov.rules.unit.UnitCode;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a box update travels over MQTT, Kura's request/response style. The manager publishes a
 * {@link Request} on the box's own control topic {@code $EDC/<account>/<unit>/UPDATE/EXEC/install}
 * (only the manager may publish there; the box may subscribe nowhere else); the package itself (tens
 * of MB) does not go through the broker: the request names an HTTPS URL on the manager from which the
 * box downloads the update file with its certificate. The box answers with {@link Progress} messages
 * on its telemetry topic {@code <account>/<unit>/UPDATE/progress} (its durable outbox: the outcome
 * reported after the restart an install needs still arrives).
 *
 * <pre>{@code
 * messenger.publish(KuraTopic.control(acct, unit, UpdateWire.APP_ID, UpdateWire.EXEC_RESOURCE), request.toPayload(), false);
 * telemetry.publish(UpdateWire.APP_ID, UpdateWire.PROGRESS_RESOURCE, progress.toPayload(), Priority.STATE);
 * }</pre>
 */
public final class UpdateWire {

    /** The application id (topic level after the client id). */
    public static final String APP_ID = "UPDATE";
    /** The request's resource: Kura's EXEC verb. */
    public static final String EXEC_RESOURCE = "EXEC/install";
    /** The box's reports. */
    public static final String PROGRESS_RESOURCE = "progress";

    static final String REQUEST_ID = "request.id";
    static final String UNIT = "unit";
    static final String SERIAL = "serial";
    static final String SHA256 = "sha256";
    static final String SIZE = "size";
    static final String URL = "url";
    static final String STATE = "state";
    static final String MESSAGE = "message";
    /** Longest report text sent (the manager bounds other string metrics at 4096 characters). */
    public static final int MAX_MESSAGE_CHARS = 1024;
    private static final Pattern REQUEST_ID_FORM = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private UpdateWire() {
    }

    /** Where a push stands for one box, in the order it goes; the last three end it. */
    public enum State {
        /** The manager published the request. */
        REQUESTED,
        /** The box took the request and is downloading the file. */
        DOWNLOADING,
        /** The file passed the checks; the installer runs (install, restart, self-test). */
        INSTALLING,
        /** Installed; the box came back green at the new version. */
        DONE,
        /** Refused before anything changed (wrong unit, SHA-256, signature, scope, serial, size, download). */
        REFUSED,
        /** Installed but the box did not come back green: the previous version is back. */
        ROLLED_BACK;

        /** True for DONE, REFUSED and ROLLED_BACK. */
        public boolean finished() {
            return this == DONE || this == REFUSED || this == ROLLED_BACK;
        }

        /** Lower case, as in the API and on the fleet page. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The manager's request to one box.
     *
     * @param requestId Kura's request id: names the push in every report
     * @param unit      the box the request is for (a box refuses a request naming another unit)
     * @param serial    the update's serial
     * @param sha256    hex SHA-256 of the update file (what the box downloads)
     * @param size      the update file's size in bytes (the box reads no more)
     * @param url       HTTPS URL of the file on the manager (box certificate required)
     */
    public record Request(String requestId, UnitCode unit, long serial, String sha256, long size, URI url) {

        public Request {
            if (requestId == null || !REQUEST_ID_FORM.matcher(requestId).matches()) {
                throw new IllegalArgumentException("request id '" + requestId + "' is not 1-64 of A-Z a-z 0-9 . _ -");
            }
            if (serial < 1) {
                throw new IllegalArgumentException("serial " + serial + " is not positive");
            }
            if (sha256 == null || !HEX.matcher(sha256).matches()) {
                throw new IllegalArgumentException("sha256 '" + sha256 + "' is not 64 lower-case hex digits");
            }
            if (size < 1 || size > BoxUpdate.MAX_PACKAGE_BYTES + (16L << 20)) {
                throw new IllegalArgumentException("size " + size + " is not between 1 and " + (BoxUpdate.MAX_PACKAGE_BYTES + (16L << 20)));
            }
            if (url == null || !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("url '" + url + "' is not an https URL with a host");
            }
        }

        public KuraPayload toPayload() {
            return KuraPayload.builder().timestamp(System.currentTimeMillis()).metric(REQUEST_ID, requestId).metric(UNIT, unit.toString())
                    .metric(SERIAL, serial).metric(SHA256, sha256).metric(SIZE, size).metric(URL, url.toString()).build();
        }

        /** Reads a request; a missing or malformed metric is an {@link IllegalArgumentException} naming it. */
        public static Request from(KuraPayload p) {
            String unit = text(p, UNIT);
            if (!UnitCode.isValid(unit)) {
                throw new IllegalArgumentException("metric 'unit' '" + unit + "' is not a unit code");
            }
            String u = text(p, URL);
            URI url;
            try {
                url = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("metric 'url' is not a URI: " + e.getMessage());
            }
            return new Request(text(p, REQUEST_ID), UnitCode.parse(unit), number(p, SERIAL), text(p, SHA256), number(p, SIZE), url);
        }
    }

    /**
     * A box's report on one request.
     *
     * @param requestId the request's id
     * @param serial    the update's serial
     * @param state     DOWNLOADING, INSTALLING, DONE, REFUSED or ROLLED_BACK
     * @param message   one line: what happened (the installer's outcome, or why refused)
     */
    public record Progress(String requestId, long serial, State state, String message) {

        public Progress {
            if (requestId == null || !REQUEST_ID_FORM.matcher(requestId).matches()) {
                throw new IllegalArgumentException("request id '" + requestId + "' is not 1-64 of A-Z a-z 0-9 . _ -");
            }
            if (state == State.REQUESTED) {
                throw new IllegalArgumentException("a box does not report REQUESTED");
            }
            message = message == null ? "" : message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message;
        }

        public KuraPayload toPayload() {
            return KuraPayload.builder().timestamp(System.currentTimeMillis()).metric(REQUEST_ID, requestId).metric(SERIAL, serial)
                    .metric(STATE, state.name()).metric(MESSAGE, message).build();
        }

        /** Reads a report; a missing or malformed metric is an {@link IllegalArgumentException} naming it. */
        public static Progress from(KuraPayload p) {
            State s;
            try {
                s = State.valueOf(text(p, STATE));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("metric 'state' '" + p.stringMetric(STATE) + "' is not an update state");
            }
            return new Progress(text(p, REQUEST_ID), number(p, SERIAL), s, p.stringMetric(MESSAGE));
        }
    }

    private static String text(KuraPayload p, String name) {
        if (!(p.metric(name) instanceof String s)) {
            throw new IllegalArgumentException("metric '" + name + "' is missing or not a string");
        }
        return s;
    }

    private static long number(KuraPayload p, String name) {
        Object v = p.metric(name);
        if (!(v instanceof Long || v instanceof Integer)) {
            throw new IllegalArgumentException("metric '" + name + "' is missing or not an integer");
        }
        return ((Number) v).longValue();
    }
}
