package cn.egov.portal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of {@link PortalComponent} (PID {@code cn.egov.portal}), described for Metatype (Kura web UI, our console). */
@ObjectClassDefinition(id = PortalComponent.PID, name = "Portal mirror",
        description = "Mirrors the unit's websites from the provincial manager as signed snapshots and serves them on the box's LANs")
public @interface PortalConfig {

    @AttributeDefinition(name = "Manager URL", description = "The manager's portal content server (HTTPS; the box authenticates with its certificate)")
    String manager_url() default "https://127.0.0.1:8444";

    @AttributeDefinition(name = "State directory", description = "Content, kept snapshots, notices, admin token")
    String state_directory() default "/var/lib/egov/portal";

    @AttributeDefinition(name = "Site levels", description = "Which of the sites the manager offers this unit to mirror: its own "
            + "department site, its county's and city's portals, the provincial portal",
            options = {@Option(label = "department (the unit's own site)", value = "department"), @Option(label = "county", value = "county"),
                    @Option(label = "city", value = "city"), @Option(label = "province", value = "province")})
    String[] levels() default {"department", "county", "city", "province"};

    @AttributeDefinition(name = "Kept versions", description = "Versions kept per site, for rollback (appliance portal rollback)", min = "1", max = "100")
    int keep_versions() default 3;

    @AttributeDefinition(name = "Largest file (bytes)", description = "A snapshot listing a larger file is refused", min = "1")
    long max_file_bytes() default 64L * 1024 * 1024;

    @AttributeDefinition(name = "Largest snapshot (bytes)", description = "A signed snapshot (the list of a site's files) larger than this is "
            + "refused: verifying it holds about ten times its size in memory (2 MiB, about 8,000 files, fits the box's 64 MB heap; "
            + "raise it with the heap)", min = "65536", max = "50331648")
    int max_snapshot_bytes() default 2 * 1024 * 1024;

    @AttributeDefinition(name = "Disk reserve (bytes)", description = "A snapshot that would leave less free space on the state file system is refused", min = "0")
    long reserve_disk_bytes() default 256L * 1024 * 1024;

    @AttributeDefinition(name = "Poll interval (s)", description = "How often the manager is asked for new versions (MQTT notifications come sooner)", min = "5")
    int poll_interval_s() default 300;

    @AttributeDefinition(name = "Fetch timeout (s)", min = "1")
    int fetch_timeout_s() default 60;

    @AttributeDefinition(name = "Parallel fetches", min = "1", max = "32")
    int fetch_parallelism() default 4;

    @AttributeDefinition(name = "HTTP address")
    String http_bind() default "0.0.0.0";

    @AttributeDefinition(name = "HTTP port", description = "0 picks a free port", min = "0", max = "65535")
    int http_port() default 80;

    @AttributeDefinition(name = "HTTPS address")
    String https_bind() default "0.0.0.0";

    @AttributeDefinition(name = "HTTPS port", description = "With the box certificate, once enrolled; -1 turns HTTPS off, 0 picks a free port",
            min = "-1", max = "65535")
    int https_port() default 443;

    @AttributeDefinition(name = "Admin port", description = "Loopback-only port of the admin endpoint (appliance portal ...); 0 picks a free port",
            min = "0", max = "65535")
    int admin_port() default 8089;

    @AttributeDefinition(name = "Default site", description = "Served for host names that are not a mirrored site; empty: the unit's own site",
            required = false)
    String default_site() default "";

    @AttributeDefinition(name = "Snapshot banner", description = "Insert a line into every HTML page naming the snapshot's version and time")
    boolean banner() default false;

    @AttributeDefinition(name = "Probe interval (s)", description = "How often each site's homepage is fetched through the box's own server and reported", min = "5")
    int probe_interval_s() default 300;

    @AttributeDefinition(name = "Stale after (days)", description = "A homepage older than this is 'site not updated' (alarm portal.site.stale)", min = "1")
    int stale_days() default 14;

    @AttributeDefinition(name = "Full scan interval (s)", description = "Every served file is hashed again this often (each read is checked by its stamp)", min = "10")
    int scan_interval_s() default 3600;

    @AttributeDefinition(name = "Mapped files", description = "Verified files kept memory-mapped (address space, not memory: "
            + "the content stays in the kernel's page cache); beyond this, files are mapped per request", min = "0")
    int cache_files() default 4096;

    @AttributeDefinition(name = "Worker threads", description = "Threads for work that blocks: hashing a file not verified since it "
            + "changed, pages with the banner, the admin endpoint (files are served on one selector thread per core)", min = "6", max = "512")
    int threads() default 32;

    @AttributeDefinition(name = "Open notices per site", description = "Emergency notices a site may have open at once", min = "1", max = "1000")
    int max_notices() default 20;
}
