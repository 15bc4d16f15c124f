package cn.egov.manager.ca;

import java.security.KeyStore;
import java.util.Arrays;

/**
 * The CA as the manager runs it: opens (or on first start creates) the CA, publishes CRLs on
 * the schedule and at every revocation (also those made by {@code manager ca revoke} in another
 * process) and serves EST, CRLs and OCSP. What {@code manager run} starts when the configuration
 * names {@code ca.passphrase-file}, and what {@code manager ca serve} runs alone.
 */
public final class CaService implements AutoCloseable {

    private final ProvincialCa ca;
    private final CrlPublisher crls;
    private final CaHttpServer server;

    private CaService(ProvincialCa ca, CrlPublisher crls, CaHttpServer server) {
        this.ca = ca;
        this.crls = crls;
        this.server = server;
    }

    /**
     * @param names which units and domains enrolment may certify: the address plan in force
     *              ({@link PlanUnitNames})
     */
    public static CaService start(CaConfig config, UnitNames names) throws Exception {
        return start(config, names, true);
    }

    /**
     * @param ownSchedule true: the publisher's own timer publishes on the schedule and at revocations
     *                    ({@code manager ca serve}); false: it publishes once now and the manager hands
     *                    the schedule to its leadership ({@link CrlPublisher#scheduleUnder}), so that one
     *                    node of several publishes
     */
    public static CaService start(CaConfig config, UnitNames names, boolean ownSchedule) throws Exception {
        char[] pass = config.passphrase();
        try {
            ProvincialCa ca = java.nio.file.Files.exists(config.dir().resolve(CaKeys.FILE))
                    ? ProvincialCa.open(config.dir(), pass, config.settings(), names)
                    : ProvincialCa.create(config.dir(), pass, config.settings(), names);
            CrlPublisher crls = new CrlPublisher(ca, config.crls());
            try {
                if (ownSchedule) {
                    crls.start();
                } else {
                    crls.publishNow();
                }
                KeyStore tls = EstTlsIdentity.loadOrIssue(ca, config.dir(), pass, config.estDnsNames(), config.estIps());
                CaHttpServer server = CaHttpServer.start(ca, crls, tls, pass, config.bind(), config.estPort(), config.httpPort(),
                        config.maxConnections());
                return new CaService(ca, crls, server);
            } catch (Exception | Error e) {
                crls.close();
                ca.close();
                throw e;
            }
        } finally {
            Arrays.fill(pass, '\0');
        }
    }

    public ProvincialCa ca() {
        return ca;
    }

    public CrlPublisher crls() {
        return crls;
    }

    public int estPort() {
        return server.httpsPort();
    }

    public int httpPort() {
        return server.httpPort();
    }

    /** The HTTP server's connection limit and its use. */
    public CaHttpServer server() {
        return server;
    }

    @Override
    public void close() throws Exception {
        server.close();
        crls.close();
        ca.close();
    }
}
