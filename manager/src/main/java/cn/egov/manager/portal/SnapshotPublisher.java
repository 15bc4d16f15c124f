package cn.egov.manager.portal;

import cn.egov.api.portal.EmergencyNotice;
import cn.egov.api.portal.NoticeDecision;
import cn.egov.api.portal.NoticePage;
import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SignedNotice;
import cn.egov.api.portal.SignedSnapshot;
import cn.egov.api.portal.SiteFile;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.portal.SnapshotException;
import cn.egov.manager.store.Database;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs a new version of a site and tells its boxes. The content must be at the manager already
 * (uploaded by hash, {@link BlobStore}); the listing is checked against it (every file present
 * with the size it claims, no file over the limit), the site is registered on its first version,
 * the manager's decisions on the site's emergency notices are written into the manifest (a folded
 * notice as the file {@code notices/<id>.html}), and the version gets the next number. Then it is
 * signed, recorded, older versions beyond the kept number are pruned, and the index of every box
 * that mirrors the site is published again ({@link IndexNotifier}).
 */
final class SnapshotPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);
    /** The homepage: every version must have it (what visitors and the probe ask for at /). */
    static final String HOMEPAGE = "index.html";
    private static final String NOTICE_TYPE = "text/html; charset=utf-8";

    private final SiteOwners owners;
    private final PortalStore store;
    private final BlobStore blobs;
    private final PortalSettings settings;
    private final PortalSigner signer;
    private final IndexNotifier notifier;
    private final Clock clock;

    /** @param signer null when the manager runs without the provincial CA: nothing can be signed */
    SnapshotPublisher(PortalStore store, BlobStore blobs, PortalSettings settings, PortalSigner signer, IndexNotifier notifier,
                      SiteOwners owners, Clock clock) {
        this.owners = owners;
        this.store = store;
        this.blobs = blobs;
        this.settings = settings;
        this.signer = signer;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** A version could not be signed; {@link #missing()} lists content to upload first (409), else the input is wrong (400). */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient List<String> missing;

        Refused(String message, List<String> missing) {
            super(message);
            this.missing = List.copyOf(missing);
        }

        List<String> missing() {
            return missing;
        }
    }

    /**
     * What a publication did.
     *
     * @param version the version as recorded
     * @param units   the boxes whose index was published again
     */
    record Published(PortalStore.Version version, List<String> units) {
    }

    boolean canSign() {
        return signer != null;
    }

    /**
     * Signs a new version of {@code site} listing {@code files}.
     *
     * @param owner          the site's owner, required on its first version (then fixed)
     * @param frameAncestors CSP frame-ancestors on the first version (null: the default), ignored later
     */
    synchronized Published publish(String site, String owner, String frameAncestors, List<SiteFile> files, String by)
            throws Refused, SQLException, IOException, GeneralSecurityException {
        if (signer == null) {
            throw new IllegalStateException("portal signing is not configured: the manager runs without the provincial CA (set ca.passphrase-file)");
        }
        try {
            SiteNode.requireDomain(site, "site");
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage(), List.of());
        }
        PortalStore.Site registered = siteFor(site, owner, frameAncestors);
        if (files.stream().noneMatch(f -> f.path().equals(HOMEPAGE))) {
            throw new Refused("site " + site + " has no " + HOMEPAGE + ": every version needs its homepage (what visitors and the"
                    + " inspection probe ask for at /)", List.of());
        }
        List<String> missing = new ArrayList<>();
        for (SiteFile f : files) {
            if (!blobs.has(f.sha256())) {
                missing.add(f.sha256());
            } else if (blobs.size(f.sha256()) != f.size()) {
                throw new Refused("file " + f.path() + " claims " + f.size() + " bytes, the content " + f.sha256() + " has "
                        + blobs.size(f.sha256()), List.of());
            } else if (f.size() > settings.maxFileBytes()) {
                throw new Refused("file " + f.path() + " has " + f.size() + " bytes, more than portal.max-file-bytes ("
                        + settings.maxFileBytes() + ")", List.of());
            }
        }
        if (!missing.isEmpty()) {
            throw new Refused(missing.size() + " file(s) of " + site + " are not at the manager yet: upload them first",
                    missing.stream().distinct().toList());
        }
        if (store.sites().stream().noneMatch(s -> s.site().equals(site))) {
            // registered only now: a refused first version leaves no trace
            store.addSite(registered, clock.millis());
            LOG.info("portal site {} registered: owner {}, mirrored by {}", site, registered.owner(), registered.mirrors());
        }
        return sign(registered, files, by);
    }

    /** A new version with the files of the newest one and the current notice decisions (a notice folded or withdrawn). */
    synchronized Published republish(String site, String by) throws Refused, SQLException, IOException, GeneralSecurityException {
        Optional<byte[]> newest = store.envelope(site, 0);
        if (newest.isEmpty()) {
            throw new Refused("site " + site + " has no version yet to publish again", List.of());
        }
        PortalManifest m;
        try {
            m = PortalManifest.parse(SignedSnapshot.decode(newest.get()).manifest());
        } catch (SnapshotException e) {
            throw new IllegalStateException("stored version of " + site + " is unreadable: " + e.getMessage(), e);
        }
        PortalStore.Site registered = store.sites().stream().filter(s -> s.site().equals(site)).findFirst().orElseThrow();
        return sign(registered, m.files(), by);
    }

    /** The registered site, or the one to register (not stored yet); refused when the owner is missing or changes. */
    private PortalStore.Site siteFor(String site, String owner, String frameAncestors) throws Refused, SQLException {
        Optional<PortalStore.Site> known = store.sites().stream().filter(s -> s.site().equals(site)).findFirst();
        if (known.isPresent()) {
            if (owner != null && !owner.isBlank() && !owner.equals(known.get().owner())) {
                throw new Refused("site " + site + " belongs to " + known.get().owner() + ", not to " + owner, List.of());
            }
            return known.get();
        }
        if (owner == null || owner.isBlank()) {
            throw new Refused("site " + site + " is new: give its owner (province, city, county or unit code)", List.of());
        }
        PortalStore.Site s;
        try {
            SiteNode n = new SiteNode(site, owner, "", SiteNode.defaultMirrors(owner));
            Optional<String> refusal = owners.refusal(owner);
            if (refusal.isPresent()) {
                throw new Refused("site " + site + ": " + refusal.get(), List.of());
            }
            s = new PortalStore.Site(site, owner, n.mirrors(), frameAncestors == null || frameAncestors.isBlank()
                    ? settings.frameAncestors() : frameAncestors);
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage(), List.of());
        }
        return s;
    }

    private Published sign(PortalStore.Site site, List<SiteFile> listed, String by)
            throws Refused, SQLException, IOException, GeneralSecurityException {
        try (Database.SeriesLock versions = store.lockVersions(site.site())) {
            return signNextVersion(site, listed, by);
        }
    }

    private Published signNextVersion(PortalStore.Site site, List<SiteFile> listed, String by)
            throws Refused, SQLException, IOException, GeneralSecurityException {
        Map<String, SiteFile> files = new LinkedHashMap<>();
        listed.forEach(f -> files.put(f.path(), f));
        List<NoticeDecision> decisions = new ArrayList<>();
        for (PortalStore.Notice n : store.noticesOf(site.site())) {
            if (n.state().equals("FOLDED")) {
                decisions.add(new NoticeDecision(n.id(), NoticeDecision.State.FOLDED));
                SiteFile page = foldedPage(n);
                files.putIfAbsent(page.path(), page);
            } else if (n.state().equals("WITHDRAWN")) {
                decisions.add(new NoticeDecision(n.id(), NoticeDecision.State.WITHDRAWN));
            }
        }
        List<SiteNode> tree = SiteTree.nodes(store.sites());
        SiteNode self = tree.stream().filter(n -> n.site().equals(site.site())).findFirst().orElseThrow();
        Instant now = clock.instant();
        PortalManifest m;
        try {
            m = new PortalManifest(self, store.nextVersion(site.site()), now, now.plus(settings.validity()), site.frameAncestors(),
                    tree, decisions, new ArrayList<>(files.values()));
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage(), List.of());
        }
        SignedSnapshot signed = signer.sign(m);
        byte[] envelope = signed.encode();
        long homepage = m.byPath().containsKey(HOMEPAGE) ? m.byPath().get(HOMEPAGE).modified() : 0;
        PortalStore.Version v = new PortalStore.Version(site.site(), m.version(), now.toEpochMilli(), m.expiresAt().toEpochMilli(), by,
                m.files().size(), m.totalBytes(), homepage, signed.sha256());
        store.record(v, envelope, m.files());
        Set<String> orphans = store.prune(site.site(), settings.keepVersions());
        for (String sha : orphans) {
            blobs.delete(sha);
        }
        List<String> units = notifier.siteChanged(self);
        LOG.info("portal site {} version {} signed by {}: {} files, {} bytes; index sent to {} unit(s)", site.site(), m.version(), by,
                m.files().size(), m.totalBytes(), units.size());
        return new Published(v, units);
    }

    /** The page of a folded notice, rendered exactly as the box rendered it, stored as content. */
    private SiteFile foldedPage(PortalStore.Notice n) throws SQLException, IOException {
        EmergencyNotice notice;
        try {
            notice = SignedNotice.decode(store.noticeEnvelope(n.id()).orElseThrow()).notice();
        } catch (SnapshotException e) {
            throw new IllegalStateException("stored notice " + n.id() + " is unreadable: " + e.getMessage(), e);
        }
        byte[] page = NoticePage.render(notice);
        String sha = HexFormat.of().formatHex(BlobStore.sha().digest(page));
        blobs.put(sha, new ByteArrayInputStream(page), page.length);
        return new SiteFile(notice.path(), sha, page.length, NOTICE_TYPE, notice.issuedAt().getEpochSecond());
    }
}
