package cn.egov.pki.ds;

import cn.egov.pki.BoxCertificates;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.TlsContexts;
import cn.egov.telemetry.mqtt.TlsSocketFactorySource;
import javax.net.ssl.SSLSocketFactory;
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
 */
@Component(configurationPid = MqttTlsComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = TlsSocketFactorySource.class)
@Designate(ocd = MqttTlsConfig.class)
public final class MqttTlsComponent implements TlsSocketFactorySource {

    public static final String PID = "cn.egov.pki.mqtt";

    private final BoxCertificates certificates;
    private final boolean enabled;

    @Activate
    public MqttTlsComponent(MqttTlsConfig config, @Reference BoxCertificates certificates) {
        this.certificates = certificates;
        this.enabled = config.enabled();
    }

    /** Null (plain default) when disabled or not enrolled yet: the connection then fails at the broker, not here. */
    @Override
    public SSLSocketFactory socketFactory() {
        if (!enabled) {
            return null;
        }
        BoxCredentials c = certificates.current().orElse(null);
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
