package cn.egov.manager.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.pki.check.CertificateState;
import cn.egov.vpn.TunnelStatus;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire names the exports read are the ones the box's modules send: the certificate state ({@code pki}) and the tunnel ({@code vpn}). */
class MoreWireTest {

    @Test
    void theCertificateStateIsReadByTheNamesPkiSends() {
        assertEquals(CertificateState.APP_ID, MoreWire.PKI_APP);
        assertEquals(CertificateState.RESOURCE, MoreWire.CERTIFICATE_RESOURCE);
        Instant notAfter = Instant.parse("2027-01-01T00:00:00Z");
        KuraPayload p = new CertificateState(true, BigInteger.valueOf(0x1A2B), "CN=130602-001", "CN=Hebei Issuing CA", Instant.EPOCH, notAfter,
                notAfter.minusSeconds(86400)).toPayload(Instant.now());
        Map<String, Object> m = p.metrics();
        assertEquals(true, m.get(MoreWire.CERT_ENROLLED));
        assertEquals("1A2B", m.get(MoreWire.CERT_SERIAL));
        assertEquals("CN=Hebei Issuing CA", m.get(MoreWire.CERT_ISSUER));
        assertEquals("CN=130602-001", m.get(MoreWire.CERT_SUBJECT));
        assertEquals(notAfter.toEpochMilli(), ((Number) m.get(MoreWire.CERT_NOT_AFTER)).longValue());
    }

    @Test
    void theTunnelStateIsReadByTheNameVpnSends() {
        assertEquals(BoxMetrics.VPN_RESOURCE, TunnelStatus.RESOURCE);
        KuraPayload up = new TunnelStatus(true, "hub", "ESTABLISHED", "hub", 10, 0, 0, 0, 0, 0, 1, 0, null, 1).toPayload();
        assertEquals(MoreWire.VPN_UP, up.metrics().get(MoreWire.VPN_STATE));
        KuraPayload down = new TunnelStatus(false, "hub", "NONE", null, 0, 0, 0, 0, 0, 0, 1, 1, "timeout", 1).toPayload();
        assertEquals("DOWN", down.metrics().get(MoreWire.VPN_STATE));
    }
}
