package cn.egov.manager.lab;

import cn.egov.lab.NetLab;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.hub.HubConfigGenerator;
import cn.egov.manager.hub.HubSpec;
import cn.egov.manager.hub.HubUnit;
import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.SubjectIds;
import cn.egov.vpn.TunnelSpec;
import cn.egov.vpn.swanctl.Revocation;
import cn.egov.vpn.swanctl.SwanctlConfigWriter;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The backbone tunnel as the product sets it up, in two lab namespaces: a provincial CA
 * ({@link ProvincialCa}) issues the box's and the hub's certificates; the hub's charon runs the
 * configuration {@link HubConfigGenerator} renders for its units, the box's charon the one its
 * {@link TunnelSpec} renders. Both daemons are started; the box's connection (start action
 * {@code trap}) is loaded and brought up by whoever drives it (the box's {@code TunnelWatcher}).
 *
 * <pre>{@code
 * try (BackboneTunnelLab t = BackboneTunnelLab.start(lab, box, hub, dir, unit, "10.1.0.0/24", "10.200.0.0/16", "192.0.2.2", List.of())) {
 *     TunnelWatcher w = new TunnelWatcher(t.boxCharon().control(), t.spec().name(), t.hubAddress(), ...);
 * }
 * }</pre>
 *
 * <p>Closing stops both daemons and the CA; the namespaces belong to the caller's {@link NetLab}.
 */
public final class BackboneTunnelLab implements AutoCloseable {

    /** The box's connection and child name in swanctl.conf. */
    public static final String CONNECTION = "backbone";
    private static final String HUB_NAME = "hub.backbone.hebei.gov.cn";
    private static final String BOX_SITE = "slj.bd.gov.cn";

    private final ProvincialCa ca;
    private final X509Certificate boxCert;
    private final X509Certificate hubCert;
    private final List<Path> caCerts;
    private final CharonDaemon hubCharon;
    private final CharonDaemon boxCharon;
    private final HubSpec hubSpec;
    private final TunnelSpec spec;

    private BackboneTunnelLab(ProvincialCa ca, X509Certificate boxCert, X509Certificate hubCert, List<Path> caCerts,
                              CharonDaemon hubCharon, CharonDaemon boxCharon, HubSpec hubSpec, TunnelSpec spec) {
        this.ca = ca;
        this.boxCert = boxCert;
        this.hubCert = hubCert;
        this.caCerts = caCerts;
        this.hubCharon = hubCharon;
        this.boxCharon = boxCharon;
        this.hubSpec = hubSpec;
        this.spec = spec;
    }

    /**
     * Issues the certificates, writes both configurations and starts both daemons.
     *
     * @param dir         folder for the CA, the PEM files and each daemon's configuration
     * @param unit        the box's unit (its certificate's subject, the hub's connection for it)
     * @param lanNet      the unit's subnet (the box's local traffic selector)
     * @param backboneNet the backbone prefix behind the hub
     * @param hubWan      the hub's address the box connects to (also in the hub's certificate)
     * @param otherUnits  further units the hub is configured for (they never connect)
     */
    public static BackboneTunnelLab start(NetLab lab, String boxNs, String hubNs, Path dir, UnitCode unit, String lanNet,
                                          String backboneNet, String hubWan, List<HubUnit> otherUnits) throws Exception {
        ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "lab passphrase".toCharArray(), CaSettings.defaults("http://127.0.0.1:9"));
        CharonDaemon hubCharon = null;
        CharonDaemon boxCharon = null;
        try {
            Path pki = Files.createDirectories(dir.resolve("pki"));
            PemFiles.write(pki.resolve("root.pem"), ca.rootCertificate());
            PemFiles.write(pki.resolve("issuing.pem"), ca.issuingCertificate());
            KeyPair boxKeys = KeyPairs.p256();
            X509Certificate boxCert = ca.issueBox(boxKeys.getPublic(), unit, BOX_SITE);
            PemFiles.write(pki.resolve("box.pem"), boxCert);
            PemFiles.write(pki.resolve("box.key"), boxKeys.getPrivate());
            KeyPair hubKeys = KeyPairs.p256();
            X509Certificate hubCert = ca.issueHub(hubKeys.getPublic(), HUB_NAME, List.of(HUB_NAME), List.of(hubWan));
            PemFiles.write(pki.resolve("hub.pem"), hubCert);
            PemFiles.write(pki.resolve("hub.key"), hubKeys.getPrivate());
            List<Path> caCerts = List.of(pki.resolve("root.pem"), pki.resolve("issuing.pem"));

            hubCharon = new CharonDaemon(lab, hubNs, Files.createDirectories(dir.resolve("hub")));
            HubSpec hubSpec = HubSpec.withDefaults(hubWan, pki.resolve("hub.pem"), pki.resolve("hub.key"), caCerts,
                    List.of(TrafficSelector.parse("test", backboneNet)), ca.settings().country(), ca.settings().organisation());
            List<HubUnit> units = new ArrayList<>();
            units.add(new HubUnit(unit, List.of(TrafficSelector.parse("test", lanNet))));
            units.addAll(otherUnits);
            HubConfigGenerator.write(hubSpec, units, hubCharon.swanctlDir());
            // strict revocation: the hub needs a valid CRL for every certificate in the chain.
            PemFiles.write(hubCharon.swanctlDir().resolve("x509crl/issuing.crl"), ca.crl());
            PemFiles.write(hubCharon.swanctlDir().resolve("x509crl/root.crl"), ca.rootCrl());
            hubCharon.start();
            hubCharon.control().loadAll();

            // The box proves its unit with its certificate and requires the hub to prove its subject.
            boxCharon = new CharonDaemon(lab, boxNs, Files.createDirectories(dir.resolve("box")));
            TunnelSpec spec = new TunnelSpec(CONNECTION, pki.resolve("box.pem"), pki.resolve("box.key"), caCerts, Revocation.RELAXED,
                    hubWan, SubjectIds.of(hubCert), List.of(TrafficSelector.parse("test", lanNet)),
                    List.of(TrafficSelector.parse("test", backboneNet)), TunnelSpec.DEFAULT_IKE_PROPOSALS,
                    TunnelSpec.DEFAULT_ESP_PROPOSALS, Duration.ofSeconds(2), Duration.ofHours(4), Duration.ofHours(1));
            SwanctlConfigWriter.write(spec.toSwanctl(), boxCharon.swanctlDir());
            boxCharon.start();
            return new BackboneTunnelLab(ca, boxCert, hubCert, caCerts, hubCharon, boxCharon, hubSpec, spec);
        } catch (Exception | Error e) {
            // nothing half-started is left behind when the set-up fails
            if (boxCharon != null) {
                boxCharon.close();
            }
            if (hubCharon != null) {
                hubCharon.close();
            }
            ca.close();
            throw e;
        }
    }

    /** A further box of the lab: its key and certificate (written next to the first box's), its charon and its tunnel. */
    public record ExtraBox(UnitCode unit, KeyPair keys, X509Certificate cert, CharonDaemon charon, TunnelSpec spec) {
    }

    /**
     * Starts one more box (for a unit the hub was started with in {@code otherUnits}): a box
     * certificate from the lab's CA, a charon in {@code boxNs} with the same kind of tunnel to
     * {@code hubAddress} (any address of the hub). The caller closes its charon.
     */
    public ExtraBox addBox(NetLab lab, String boxNs, Path dir, UnitCode unit, String lanNet, String backboneNet, String hubAddress)
            throws Exception {
        Path pki = Files.createDirectories(dir.resolve("pki-" + unit));
        KeyPair keys = KeyPairs.p256();
        X509Certificate cert = ca.issueBox(keys.getPublic(), unit, null);
        PemFiles.write(pki.resolve("box.pem"), cert);
        PemFiles.write(pki.resolve("box.key"), keys.getPrivate());
        CharonDaemon charon = new CharonDaemon(lab, boxNs, Files.createDirectories(dir.resolve("box-" + unit)));
        try {
            TunnelSpec boxSpec = new TunnelSpec(CONNECTION, pki.resolve("box.pem"), pki.resolve("box.key"), caCerts, Revocation.RELAXED,
                    hubAddress, SubjectIds.of(hubCert), List.of(TrafficSelector.parse("test", lanNet)),
                    List.of(TrafficSelector.parse("test", backboneNet)), TunnelSpec.DEFAULT_IKE_PROPOSALS,
                    TunnelSpec.DEFAULT_ESP_PROPOSALS, Duration.ofSeconds(2), Duration.ofHours(4), Duration.ofHours(1));
            SwanctlConfigWriter.write(boxSpec.toSwanctl(), charon.swanctlDir());
            charon.start();
            return new ExtraBox(unit, keys, cert, charon, boxSpec);
        } catch (Exception | Error e) {
            charon.close();
            throw e;
        }
    }

    public ProvincialCa ca() {
        return ca;
    }

    public X509Certificate boxCert() {
        return boxCert;
    }

    public X509Certificate hubCert() {
        return hubCert;
    }

    /** Root and issuing CA certificates (PEM files). */
    public List<Path> caCerts() {
        return caCerts;
    }

    public CharonDaemon hubCharon() {
        return hubCharon;
    }

    public CharonDaemon boxCharon() {
        return boxCharon;
    }

    public HubSpec hubSpec() {
        return hubSpec;
    }

    /** The box's tunnel as declared; {@code spec().name()} is the connection and child name. */
    public TunnelSpec spec() {
        return spec;
    }

    public String hubAddress() {
        return spec.hubAddress();
    }

    /** Stops both daemons (SIGTERM, then SIGKILL) and closes the CA. */
    @Override
    public void close() throws Exception {
        try {
            boxCharon.close();
            hubCharon.close();
        } finally {
            ca.close();
        }
    }
}
