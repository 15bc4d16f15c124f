package cn.egov.pki.ds;

import cn.egov.pki.BoxCertificates;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.TlsContexts;
import cn.egov.telemetry.mqtt.TlsSocketFactorySource;
import javax.net.ssl.SSLSocketFactory;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The telemetry bundle's TLS seam ({@link TlsSocketFactorySource}) filled with the box
 * certificate: client certificate = the box's current one (a renewed certificate is used from the
 * next connection on), broker trusted only through the provincial CA. Active only when PID
 * {@code cn.egov.pki.mqtt} is configured with {@code enabled = true}.
 *
 * <p>The box certificates are looked up at each connection, not at activation: the PKI component
 * reports through the telemetry publisher, which activates this component for its TLS factory.
 * Holding the certificates from activation on closed that circle, and Felix SCR refused this
 * component ("Circular reference detected"): the box then connected without its certificate.
 */
@Component(configurationPid = MqttTlsComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = TlsSocketFactorySource.class)
@Designate(ocd = MqttTlsConfig.class)
public final class MqttTlsComponent implements TlsSocketFactorySource {

    public static final String PID = "cn.egov.pki.mqtt";

    private final ComponentServiceObjects<BoxCertificates> certificates;
    private final boolean enabled;

    @Activate
    public MqttTlsComponent(MqttTlsConfig config, @Reference ComponentServiceObjects<BoxCertificates> certificates) {
        this.certificates = certificates;
        this.enabled = config.enabled();
    }

    /** Null (plain default) when disabled or not enrolled yet (or the PKI component not up yet): the connection then fails at the broker, not here. */
    @Override
    public SSLSocketFactory socketFactory() {
        if (!enabled) {
            return null;
        }
        BoxCertificates box = certificates.getService();
        BoxCredentials c;
        try {
            c = box == null ? null : box.current().orElse(null);
        } finally {
            if (box != null) {
                certificates.ungetService(box);
            }
        }
        if (c == null) {
            return null;
        }
        try {
            return TlsContexts.of(c).getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the TLS context from the box certificate: " + e.getMessage(), e);
        }
    }
}
