package cn.egov.manager.ca;

import cn.egov.manager.web.ConnectionLimit;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import java.util.List;

/**
 * The provincial CA as a part of the manager: its keys ({@link CaConfigKey}, {@code ca.*}) and its
 * meters. The CA itself ({@link CaService}: EST, CRLs, OCSP on their own connectors, register in
 * {@code <ca.dir>/ca.db}) starts before the manager's broker and web, which present certificates it
 * issues; {@code manager run} starts it when {@code ca.passphrase-file} is set and hands it here.
 */
public final class CaPart implements ManagerPart {

    private final CaService service;

    /** @param service the running CA, or null when none is configured */
    public CaPart(CaService service) {
        this.service = service;
    }

    @Override
    public String name() {
        return "ca";
    }

    @Override
    public List<KeySpec> keys() {
        return CaConfigKey.specs();
    }

    @Override
    public void start(PartContext ctx) {
        ctx.meters().flag("ca.up", "1 when the provincial CA runs in this manager", () -> service != null);
        if (service == null) {
            return;
        }
        CaHttpServer server = service.server();
        server.report(new ConnectionLimit("CA", CaConfigKey.MAX_CONNECTIONS.key(), server.connections().max(), ctx.meters(), "ca",
                ctx.hotAlarms()));
        CrlPublisher crls = service.crls();
        crls.scheduleUnder(ctx.leadership());
        ctx.meters().gauge("ca.revocations", "revocations in the CRLs published last",
                () -> crls.latest() == null ? 0 : crls.latest().revocations());
        ctx.meters().flag("ca.crl.reload-ok", "0 when the configured CRL reload command failed at the last publication",
                () -> crls.latest() == null || crls.latest().reloaded());
    }
}
