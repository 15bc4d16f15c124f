package cn.egov.manager.portal;

import cn.egov.api.portal.EmergencyNotice;
import cn.egov.api.portal.SignedNotice;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.portal.SnapshotException;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.text.LogSafe;
import cn.egov.manager.ca.CertificateStatus;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.store.AlarmStore;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emergency notices from boxes, and what the NOC decides about them. A notice is taken only when
 * a box certificate of the sending unit signed it (chain to the provincial root, not revoked), the
 * site is registered and that unit speaks for it ({@link SiteNode#ownedBy}), and the unit has fewer
 * than {@link #MAX_OPEN_PER_UNIT} notices waiting; anything else raises
 * {@value #REJECTED_ALARM} and stores nothing. Folding or withdrawing a notice signs a new version
 * of its site that carries the decision; the box drops its own copy when that version arrives.
 */
final class NoticeDesk {

    /** A box's notice was refused. Evidence: unit, notice, reason. */
    static final String REJECTED_ALARM = "portal.notice.rejected";
    /** Notices one unit may have waiting for a decision. */
    static final int MAX_OPEN_PER_UNIT = 100;
    private static final Logger LOG = LoggerFactory.getLogger(NoticeDesk.class);

    private final PortalStore store;
    private final ProvincialCa ca;
    private final SnapshotPublisher publisher;
    private final AlarmStore alarms;
    private final Clock clock;

    NoticeDesk(PortalStore store, ProvincialCa ca, SnapshotPublisher publisher, AlarmStore alarms, Clock clock) {
        this.store = store;
        this.ca = ca;
        this.publisher = publisher;
        this.alarms = alarms;
        this.clock = clock;
    }

    /** A notice message from {@code unit}'s box; returns the stored notice, or empty when refused (alarmed). */
    Optional<EmergencyNotice> receive(UnitCode unit, byte[] envelope) throws SQLException {
        String refusal;
        try {
            if (ca == null) {
                throw new SnapshotException(SnapshotException.Check.CHAIN, "the manager runs without the provincial CA: notices cannot be verified");
            }
            SignedNotice signed = SignedNotice.decode(envelope);
            EmergencyNotice n = signed.verify(List.of(ca.rootCertificate()), unit, clock.instant());
            CertificateStatus status = ca.status(signed.chain().get(0).getSerialNumber());
            if (status.state() != CertificateStatus.State.GOOD) {
                throw new SnapshotException(SnapshotException.Check.REVOKED, "the signer's certificate is " + status.state());
            }
            Optional<SiteNode> site = SiteTree.nodes(store.sites()).stream().filter(s -> s.site().equals(n.site())).findFirst();
            if (site.isEmpty()) {
                throw new SnapshotException(SnapshotException.Check.SCOPE, "site " + n.site() + " is not registered");
            }
            if (!site.get().ownedBy(unit)) {
                throw new SnapshotException(SnapshotException.Check.SCOPE, "unit " + unit + " does not speak for site " + n.site()
                        + " (owner " + site.get().owner() + ")");
            }
            if (store.notice(n.id()).isPresent()) {
                return store.notice(n.id()).map(x -> n); // delivered again: already stored
            }
            if (store.openNotices(unit.toString()) >= MAX_OPEN_PER_UNIT) {
                throw new SnapshotException(SnapshotException.Check.SCOPE, "unit " + unit + " has " + MAX_OPEN_PER_UNIT
                        + " notices waiting for a decision already");
            }
            store.addNotice(new PortalStore.Notice(n.id(), n.unit(), n.site(), n.title(), n.body(), n.issuedAt().toEpochMilli(),
                    clock.millis(), "OPEN", null, 0), envelope);
            LOG.info("emergency notice {} of unit {} on {} received: {}", n.id(), unit, n.site(), LogSafe.of(n.title()));
            return Optional.of(n);
        } catch (SnapshotException e) {
            refusal = e.check().label() + ": " + e.getMessage();
        } catch (GeneralSecurityException e) {
            refusal = "revocation status unavailable: " + e.getMessage();
        }
        LOG.warn("emergency notice from unit {} refused: {}", unit, LogSafe.of(refusal));
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("unit", unit.toString());
        ev.put("reason", refusal);
        alarms.raise(new Alarm(REJECTED_ALARM, Alarm.Severity.MAJOR, "portal", "emergency notice from unit " + unit + " refused: " + refusal,
                ev, clock.millis()));
        return Optional.empty();
    }

    /** The NOC's decision. */
    enum Action {
        FOLD("FOLDED"), WITHDRAW("WITHDRAWN");

        final String state;

        Action(String state) {
            this.state = state;
        }
    }

    /**
     * Folds or withdraws an open notice: signs a new version of its site with the decision.
     *
     * @throws SnapshotPublisher.Refused when the notice is not open or the site cannot be signed (nothing changed)
     */
    SnapshotPublisher.Published decide(String id, Action action, String by)
            throws SnapshotPublisher.Refused, SQLException, IOException, GeneralSecurityException {
        PortalStore.Notice n = store.notice(id).orElseThrow(() -> new SnapshotPublisher.Refused("no notice " + id, List.of()));
        if (!store.decide(id, action.state, by, clock.millis())) {
            throw new SnapshotPublisher.Refused("notice " + id + " is " + n.state() + ", not open", List.of());
        }
        try {
            return publisher.republish(n.site(), by);
        } catch (SnapshotPublisher.Refused | SQLException | IOException | GeneralSecurityException | RuntimeException e) {
            store.reopen(id);
            throw e;
        }
    }
}
