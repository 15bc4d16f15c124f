package cn.egov.pki.est;

/**
 * The server offered no root with the fingerprint the technician confirmed: nothing from it is
 * trusted and no token was sent. A typo, the wrong {@code --manager} URL, or an impostor.
 */
public final class FingerprintMismatchException extends EstException {
    public FingerprintMismatchException(String message) {
        super(0, message);
    }
}
