package cn.egov.manager.portal;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.portal.PortalIndex;
import cn.egov.api.portal.PortalSigning;
import cn.egov.api.portal.SiteNode;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.rules.unit.UnitCode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells boxes what to mirror: each unit's {@link PortalIndex} (the sites whose mirrors include it,
 * with their newest versions), published retained at QoS 1 on the unit's own control topic
 * {@code $EDC/<account>/<unit>/PORTAL/PUT/index}, so a box that is offline finds it when it
 * connects. Sent again to every known unit of a site's mirrors when the site gets a version, and
 * to a unit when it connects (BIRTH). The box also polls the same index over HTTPS: MQTT only
 * makes it quicker.
 */
final class IndexNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(IndexNotifier.class);

    private final PortalStore store;
    private final BoxMessenger messenger;
    private final String account;
    private final Supplier<List<String>> knownUnits;

    /** @param knownUnits client ids of the boxes the fleet registry knows */
    IndexNotifier(PortalStore store, BoxMessenger messenger, String account, Supplier<List<String>> knownUnits) {
        this.store = store;
        this.messenger = messenger;
        this.account = account;
        this.knownUnits = knownUnits;
    }

    /** The sites {@code unit} mirrors, with their newest versions. */
    PortalIndex index(UnitCode unit) throws SQLException {
        Map<String, PortalStore.Version> newest = store.newest();
        List<PortalIndex.Entry> entries = new ArrayList<>();
        for (PortalStore.Site s : store.sites()) {
            PortalStore.Version v = newest.get(s.site());
            if (v != null && s.mirrors().includes(unit)) {
                entries.add(new PortalIndex.Entry(s.site(), v.version(), v.sha256()));
            }
        }
        return new PortalIndex(entries);
    }

    /** Publishes the index of every known unit that mirrors {@code site}; returns those units. */
    List<String> siteChanged(SiteNode site) throws SQLException {
        TreeSet<String> units = new TreeSet<>();
        if (site.mirrors().kind() == cn.egov.api.policy.PolicyScope.Kind.UNIT) {
            units.addAll(site.mirrors().codes());
        }
        for (String id : knownUnits.get()) {
            if (UnitCode.isValid(id) && site.mirrors().includes(UnitCode.parse(id))) {
                units.add(id);
            }
        }
        List<String> sent = new ArrayList<>();
        for (String u : units) {
            if (send(UnitCode.parse(u))) {
                sent.add(u);
            }
        }
        return sent;
    }

    /** Publishes one unit's index (at its BIRTH); false when it mirrors nothing or the broker refused. */
    boolean send(UnitCode unit) throws SQLException {
        PortalIndex index = index(unit);
        if (index.entries().isEmpty()) {
            return false;
        }
        try {
            messenger.publish(PortalSigning.indexTopic(account, unit.toString()),
                    KuraPayload.builder().timestamp(System.currentTimeMillis()).body(index.encode()).build(), true);
            return true;
        } catch (Exception e) {
            // the box polls the same index: it learns of the version at its next poll
            LOG.warn("portal index not published to {}: {}", unit, e.toString());
            return false;
        }
    }
}
