package cn.egov.manager.report;

import cn.egov.manager.account.Role;
import cn.egov.manager.ca.CertificateStatus;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.evidence.EvidenceStore;
import cn.egov.manager.evidence.UnitDirectory;
import cn.egov.manager.export.CjkFont;
import cn.egov.manager.export.DocumentKit;
import cn.egov.manager.export.DocumentSigner;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.web.WebRoutes;
import cn.egov.rules.plan.AddressPlan;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auditor's report (issue 12 item 5) as a part: per unit and province-wide, for a chosen
 * period, each item ({@link ReportItem}) with a verdict and the data behind it, from what the
 * boxes reported ({@link ReportBuilder}); shown on {@code /report} and {@code GET /api/report},
 * exported as a signed PDF and as CSV ({@code GET /api/report/pdf|csv}) by auditors and
 * administrators, every export audited. Its key {@code report.font} names the CJK font the PDFs
 * embed; the CA (when the manager runs with it) certifies the key that signs them and says which
 * box certificates it revoked. Hands its {@link DocumentKit} to the task book.
 */
public final class ReportPart implements ManagerPart {

    private static final Logger LOG = LoggerFactory.getLogger(ReportPart.class);
    static final KeySpec FONT = new KeySpec("report.font", CjkFont.DEFAULT_PATH,
            "The TrueType font with Chinese glyphs that exported PDFs embed (a subset); Debian: fonts-wqy-microhei.",
            v -> v.isBlank() || !Path.of(v).isAbsolute() ? "must be an absolute path to a font file, got '" + v + "'" : null);
    static final KeySpec MAX_EVIDENCE = new KeySpec("report.max-evidence", "50",
            "Events listed per item and unit in a report (every event is counted; the rest are named by number).",
            KeySpec.atLeast(1, false));
    static final KeySpec MAX_DAYS = new KeySpec("report.max-days", "400", "The longest period a report may cover, in days.",
            KeySpec.atLeast(1, false));

    private final ProvincialCa ca;
    private final Supplier<Optional<AddressPlan>> plan;
    private volatile DocumentKit documents;

    /**
     * @param ca   the provincial CA (signs the exports' key, knows revocations), or null: then no signed PDF
     * @param plan the address plan in force (its units are the units reported on)
     */
    public ReportPart(ProvincialCa ca, Supplier<Optional<AddressPlan>> plan) {
        this.ca = ca;
        this.plan = plan;
    }

    @Override
    public String name() {
        return "report";
    }

    @Override
    public List<KeySpec> keys() {
        return List.of(FONT, MAX_EVIDENCE, MAX_DAYS);
    }

    @Override
    public List<String> migrations() {
        return List.of(EvidenceStore.TELEMETRY_INDEX);
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        documents = documents(Path.of(ctx.key(FONT.shortKey())));
        RevocationCheck revocations = ca == null ? RevocationCheck.NONE : serial -> {
            try {
                CertificateStatus s = ca.status(new BigInteger(serial, 16));
                return s.state() == CertificateStatus.State.REVOKED && s.revokedAt() != null ? s.revokedAt().toEpochMilli() : 0;
            } catch (NumberFormatException | java.security.GeneralSecurityException e) {
                return 0; // not a serial of this CA's form: the certificate line shows it as reported
            }
        };
        ReportBuilder builder = new ReportBuilder(new EvidenceStore(ctx.database()), new UnitDirectory(plan, ctx.fleet(), PlaceNames.HEBEI),
                PlaceNames.HEBEI, revocations, Integer.parseInt(ctx.key(MAX_EVIDENCE.shortKey())));
        ReportService service = new ReportService(builder, documents, Clock.systemUTC(), Integer.parseInt(ctx.key(MAX_DAYS.shortKey())));
        WebRoutes routes = ctx.routes();
        // technicians: their counties only (ReportQuery); exports: auditors and administrators (the handler audits refusals)
        Set<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.TECHNICIAN, Role.ADMIN);
        routes.page("/report", ReportPageHandler.TITLE, readers, new ReportPageHandler(service, routes));
        routes.api("/api/report", readers, new ReportApiHandler(service));
        ReportExportHandler pdf = new ReportExportHandler(service, ctx.audit(), ReportExportHandler.Format.PDF);
        ReportExportHandler csv = new ReportExportHandler(service, ctx.audit(), ReportExportHandler.Format.CSV);
        routes.api("/api/report/pdf", readers, pdf);
        routes.api("/api/report/csv", readers, csv);
        ctx.meters().counter("report.exports", "format", "pdf", "reports exported", pdf.exported::sum);
        ctx.meters().counter("report.exports", "format", "csv", "reports exported", csv.exported::sum);
        ctx.meters().counter("report.exports.refused", "export attempts refused to a role without the right", () -> pdf.refused.sum() + csv.refused.sum());
        ctx.meters().flag("report.pdf.ready", "1 when signed PDFs can be exported (font and signer present)", () -> documents.pdfProblem() == null);
    }

    private DocumentKit documents(Path font) {
        CjkFont f = null;
        String problem = null;
        try {
            f = CjkFont.at(font, FONT.key());
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
            LOG.warn("reports: no PDF export until this is fixed: {}", problem);
        }
        DocumentSigner signer = null;
        if (ca != null) {
            try {
                signer = DocumentSigner.issue(ca);
            } catch (java.security.GeneralSecurityException e) {
                LOG.warn("reports: the CA did not certify a report-signing key ({}); no PDF export", e.getMessage());
            }
        } else {
            LOG.info("reports: the manager runs without its CA: reports are shown and exported as CSV, not as signed PDF");
        }
        return new DocumentKit(f, problem, signer);
    }

    /** The font and signer made at start, for other parts' exports (the task book); null before start. */
    public DocumentKit documents() {
        return documents;
    }
}
