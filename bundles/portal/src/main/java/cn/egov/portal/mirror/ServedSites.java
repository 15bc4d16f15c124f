package cn.egov.portal.mirror;

import cn.egov.rules.unit.UnitCode;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The snapshots the box serves now, one per site: the in-memory pointer that a swap replaces in
 * one step. A request looks its site up once and keeps that {@link SiteSnapshot} to the end, so it
 * never mixes versions. Unknown host names get the default site: the configured one, else the
 * site this box's unit speaks for, else the first by name.
 */
public final class ServedSites {

    private volatile Map<String, SiteSnapshot> bySite = Map.of();
    private final String configuredDefault;
    private final UnitCode unit;
    private final List<Consumer<SiteSnapshot>> listeners = new CopyOnWriteArrayList<>();

    /** @param configuredDefault a site name, or "" */
    public ServedSites(String configuredDefault, UnitCode unit) {
        this.configuredDefault = configuredDefault == null ? "" : configuredDefault.strip().toLowerCase(Locale.ROOT);
        this.unit = unit;
    }

    /** The snapshot for a Host header (port and case ignored), or the default site's; null when nothing is served. */
    public SiteSnapshot forHost(String host) {
        Map<String, SiteSnapshot> m = bySite;
        if (host != null) {
            String h = host.toLowerCase(Locale.ROOT);
            int colon = h.lastIndexOf(':');
            if (colon > 0 && h.indexOf(']') < colon) {
                h = h.substring(0, colon);
            }
            SiteSnapshot s = m.get(h);
            if (s != null) {
                return s;
            }
        }
        return defaultSite(m);
    }

    public SiteSnapshot get(String site) {
        return bySite.get(site);
    }

    private SiteSnapshot defaultSite(Map<String, SiteSnapshot> m) {
        if (m.isEmpty()) {
            return null;
        }
        SiteSnapshot s = m.get(configuredDefault);
        if (s != null) {
            return s;
        }
        for (SiteSnapshot x : m.values()) {
            if (x.manifest().site().ownedBy(unit)) {
                return x;
            }
        }
        return m.get(m.keySet().stream().sorted().findFirst().orElseThrow());
    }

    public Collection<SiteSnapshot> all() {
        return bySite.values();
    }

    /** Serves {@code s} from now on; listeners (notices, caches) hear of it after the swap. */
    public void swap(SiteSnapshot s) {
        synchronized (this) {
            Map<String, SiteSnapshot> next = new HashMap<>(bySite);
            next.put(s.site(), s);
            bySite = Map.copyOf(next);
        }
        listeners.forEach(l -> l.accept(s));
    }

    public void onSwap(Consumer<SiteSnapshot> listener) {
        listeners.add(listener);
    }
}
