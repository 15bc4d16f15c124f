package cn.egov.api.portal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which sites a unit mirrors and the newest version of each: what the manager's content server
 * answers at {@link PortalSigning#INDEX_PATH} and publishes (retained) on the unit's
 * {@link PortalSigning#INDEX_RESOURCE} topic. Not signed: the box treats it only as a hint of what
 * to fetch; every snapshot it names is verified on its own.
 *
 * <pre>{@code
 * {"sites":[{"sha256":"<envelope sha256>","site":"www.bd.gov.cn","version":7}]}
 * }</pre>
 *
 * @param entries one per site, in site order
 */
public record PortalIndex(List<Entry> entries) {

    /** Largest index accepted. */
    public static final int MAX_BYTES = 1024 * 1024;

    /**
     * @param site    domain name
     * @param version newest version
     * @param sha256  SHA-256 of that version's signed envelope
     */
    public record Entry(String site, long version, String sha256) {
        public Entry {
            SiteNode.requireDomain(site, "site");
            if (version <= 0) {
                throw new IllegalArgumentException("site " + site + ": version must be positive, got " + version);
            }
            if (sha256 == null || !SiteFile.SHA256.matcher(sha256).matches()) {
                throw new IllegalArgumentException("site " + site + ": sha256 '" + sha256 + "' is not 64 lower-case hex digits");
            }
        }
    }

    public PortalIndex {
        entries = entries.stream().sorted(Comparator.comparing(Entry::site)).toList();
    }

    public byte[] encode() {
        List<Object> sites = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("site", e.site());
            m.put("version", e.version());
            m.put("sha256", e.sha256());
            sites.add(m);
        }
        return Canonical.bytes(Map.of("sites", sites));
    }

    /** Reads an index; a malformed one is a FORMAT error naming the field. */
    public static PortalIndex parse(byte[] bytes) throws SnapshotException {
        if (bytes == null || bytes.length > MAX_BYTES) {
            throw JsonFields.format("portal index is missing or larger than " + MAX_BYTES + " bytes");
        }
        Map<String, Object> m = JsonFields.object(JsonFields.parse(bytes, "portal index"), "portal index");
        List<?> sites = JsonFields.list(m, "sites", "portal index");
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            String what = "portal index sites[" + i + "]";
            Map<String, Object> e = JsonFields.object(sites.get(i), what);
            try {
                out.add(new Entry(JsonFields.text(e, "site", what), JsonFields.integer(e, "version", what), JsonFields.text(e, "sha256", what)));
            } catch (IllegalArgumentException ex) {
                throw JsonFields.format(what + ": " + ex.getMessage());
            }
        }
        return new PortalIndex(out);
    }

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.US_ASCII);
    }
}
