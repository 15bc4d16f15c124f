package cn.egov.portal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of {@link PortalComponent} (PID {@code cn.egov.portal}), described for Metatype (Kura web UI, our console). */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/portal", id = PortalComponent.PID, name = "%name",
        description = "%description")
public @interface PortalConfig {

    @AttributeDefinition(name = "%manager_url.name", description = "%manager_url.description")
    String manager_url() default "https://127.0.0.1:8444";

    @AttributeDefinition(name = "%state_directory.name", description = "%state_directory.description")
    String state_directory() default "/var/lib/egov/portal";

    @AttributeDefinition(name = "%levels.name", description = "%levels.description",
            options = {@Option(label = "department (the unit's own site)", value = "department"), @Option(label = "county", value = "county"),
                    @Option(label = "city", value = "city"), @Option(label = "province", value = "province")})
    String[] levels() default {"department", "county", "city", "province"};

    @AttributeDefinition(name = "%keep_versions.name", description = "%keep_versions.description", min = "1", max = "100")
    int keep_versions() default 3;

    @AttributeDefinition(name = "%max_file_bytes.name", description = "%max_file_bytes.description", min = "1")
    long max_file_bytes() default 64L * 1024 * 1024;

    @AttributeDefinition(name = "%max_snapshot_bytes.name", description = "%max_snapshot_bytes.description", min = "65536", max = "50331648")
    int max_snapshot_bytes() default 2 * 1024 * 1024;

    @AttributeDefinition(name = "%reserve_disk_bytes.name", description = "%reserve_disk_bytes.description", min = "0")
    long reserve_disk_bytes() default 256L * 1024 * 1024;

    @AttributeDefinition(name = "%poll_interval_s.name", description = "%poll_interval_s.description", min = "5")
    int poll_interval_s() default 300;

    @AttributeDefinition(name = "%fetch_timeout_s.name", min = "1")
    int fetch_timeout_s() default 60;

    @AttributeDefinition(name = "%fetch_parallelism.name", min = "1", max = "32")
    int fetch_parallelism() default 4;

    @AttributeDefinition(name = "%http_bind.name")
    String http_bind() default "0.0.0.0";

    @AttributeDefinition(name = "%http_port.name", description = "%http_port.description", min = "0", max = "65535")
    int http_port() default 80;

    @AttributeDefinition(name = "%https_bind.name")
    String https_bind() default "0.0.0.0";

    @AttributeDefinition(name = "%https_port.name", description = "%https_port.description",
            min = "-1", max = "65535")
    int https_port() default 443;

    @AttributeDefinition(name = "%admin_port.name", description = "%admin_port.description",
            min = "0", max = "65535")
    int admin_port() default 8089;

    @AttributeDefinition(name = "%default_site.name", description = "%default_site.description",
            required = false)
    String default_site() default "";

    @AttributeDefinition(name = "%banner.name", description = "%banner.description")
    boolean banner() default false;

    @AttributeDefinition(name = "%probe_interval_s.name", description = "%probe_interval_s.description", min = "5")
    int probe_interval_s() default 300;

    @AttributeDefinition(name = "%stale_days.name", description = "%stale_days.description", min = "1")
    int stale_days() default 14;

    @AttributeDefinition(name = "%scan_interval_s.name", description = "%scan_interval_s.description", min = "10")
    int scan_interval_s() default 3600;

    @AttributeDefinition(name = "%cache_files.name", description = "%cache_files.description", min = "0")
    int cache_files() default 4096;

    @AttributeDefinition(name = "%threads.name", description = "%threads.description", min = "6", max = "512")
    int threads() default 32;

    @AttributeDefinition(name = "%max_notices.name", description = "%max_notices.description", min = "1", max = "1000")
    int max_notices() default 20;
}
