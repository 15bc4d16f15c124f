package cn.egov.vpn.swanctl;

/** How strictly charon checks a peer certificate's revocation status ({@code remote.revocation}). */
public enum Revocation {
    /** Fails unless a valid CRL or OCSP answer says GOOD: the hub's setting, fail closed. */
    STRICT("strict"),
    /** Fails only if the certificate names a CRL/OCSP URI and the status cannot be fetched. */
    IF_URI("ifuri"),
    /** Fails only on a REVOKED status. */
    RELAXED("relaxed");

    private final String keyword;

    Revocation(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
