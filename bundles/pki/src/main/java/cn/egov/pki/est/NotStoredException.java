package cn.egov.pki.est;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The CA issued a certificate (the token is spent) but the key store could not be written.
 * When {@link #pending()} is present the key and certificate are kept there and the enrolment is
 * completed later without a new token ({@link BoxEnrolment#resumePending}); otherwise the key is
 * lost and only a new token helps.
 */
public final class NotStoredException extends Exception {
    private final BigInteger serial;
    private final transient Path pending;

    public NotStoredException(BigInteger serial, Path keyStore, Path pending, Exception cause) {
        super(message(serial, keyStore, pending, cause), cause);
        this.serial = serial;
        this.pending = pending;
    }

    private static String message(BigInteger serial, Path keyStore, Path pending, Exception cause) {
        String issued = "certificate " + serial.toString(16).toUpperCase(Locale.ROOT) + " was issued but key store " + keyStore
                + " could not be written (" + FileProblems.describe(cause) + ")";
        return pending != null
                ? issued + "; the key and certificate are kept in " + pending + ": fix that and complete the enrolment with 'appliance enrol --resume' (no new token needed)"
                : issued + " and neither could " + keyStore + BoxEnrolment.PENDING_SUFFIX + ": the key is lost, a new token is needed";
    }

    public BigInteger serial() {
        return serial;
    }

    /** Where the key and certificate wait to be stored, if they could be kept. */
    public Optional<Path> pending() {
        return Optional.ofNullable(pending);
    }
}
