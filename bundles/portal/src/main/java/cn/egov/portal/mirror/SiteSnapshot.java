package cn.egov.portal.mirror;

import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SiteFile;
import java.time.Instant;
import java.util.Map;

/**
 * One verified version of a site as the box serves it: immutable, so a request that picked it
 * serves every byte from this version even when a newer one is swapped in meanwhile.
 *
 * @param manifest the verified manifest
 * @param files    path to file, for lookups
 * @param sha256   SHA-256 of the signed envelope
 */
public record SiteSnapshot(PortalManifest manifest, Map<String, SiteFile> files, String sha256) {

    public SiteSnapshot {
        files = Map.copyOf(files);
    }

    public static SiteSnapshot of(PortalManifest m, String sha256) {
        return new SiteSnapshot(m, m.byPath(), sha256);
    }

    public String site() {
        return manifest.siteName();
    }

    public long version() {
        return manifest.version();
    }

    public Instant issuedAt() {
        return manifest.issuedAt();
    }

    /** Past its {@code expires_at}: still served (see the README), with a warning. */
    public boolean expiredAt(Instant now) {
        return now.isAfter(manifest.expiresAt());
    }
}
