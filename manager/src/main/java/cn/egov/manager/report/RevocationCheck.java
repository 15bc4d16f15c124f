package cn.egov.manager.report;

/** Asks the provincial CA's register whether a box certificate was revoked. */
@FunctionalInterface
public interface RevocationCheck {

    /** When the certificate with this serial (hex) was revoked, in ms since the epoch; 0 when it was not (or is unknown). */
    long revokedAt(String serialHex);

    /** Without a CA: nothing is known to be revoked. */
    RevocationCheck NONE = serial -> 0;
}
