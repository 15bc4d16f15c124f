package cn.egov.manager.evidence;

/**
 * Wire names the exports read that {@code bundles/api} does not hold yet: the box certificate's
 * state (sent by {@code bundles/pki}'s {@code CertificateState}), the tunnel's state ({@code vpn}'s
 * {@code TunnelStatus}; {@code MoreWireTest} holds both equal to what those modules send) and the document exchange's application id (the exchange's {@code ExchangeWire.APP_ID},
 * on its own branch for now). Move them to {@code bundles/api} when those modules put them there.
 */
public final class MoreWire {

    private MoreWire() {
    }

    /** {@code <account>/<unit>/PKI/certificate}: metrics below. */
    public static final String PKI_APP = "PKI";
    public static final String CERTIFICATE_RESOURCE = "certificate";
    public static final String CERT_ENROLLED = "enrolled";
    /** Hex, upper case. */
    public static final String CERT_SERIAL = "serial";
    public static final String CERT_SUBJECT = "subject";
    public static final String CERT_ISSUER = "issuer";
    /** ms since the epoch. */
    public static final String CERT_NOT_AFTER = "not_after";
    /** Alarm kinds of the box's certificate maintenance start with this. */
    public static final String PKI_ALARMS = "pki.";
    /** A trust store holding a CA other than the province's: no unit may build its own CA. */
    public static final String PKI_FOREIGN_CA = "pki.foreign-ca";

    /** {@code <account>/<unit>/VPN/tunnel} ({@code BoxMetrics.VPN_APP}): the tunnel's state, {@code UP} or {@code DOWN} ({@code vpn}'s {@code TunnelStatus}). */
    public static final String VPN_STATE = "state";
    public static final String VPN_UP = "UP";

    /** The document exchange's application id ({@code <account>/<unit>/EXCHANGE/...}). */
    public static final String EXCHANGE_APP = "EXCHANGE";
    /** Alarm kinds of the exchange start with this. */
    public static final String EXCHANGE_ALARMS = "exchange.";
}
