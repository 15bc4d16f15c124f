package cn.egov.vpn;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of the backbone tunnel (PID {@code cn.egov.vpn.tunnel}): the schema a console renders. */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/tunnel", name = "%name",
        description = "%description")
public @interface TunnelConfig {

    @AttributeDefinition(name = "%hub_address.name", description = "%hub_address.description")
    String hub_address();

    @AttributeDefinition(name = "%hub_id.name",
            description = "%hub_id.description")
    String hub_id();

    @AttributeDefinition(name = "%cert_path.name", description = "%cert_path.description")
    String cert_path() default "/var/lib/egov/pki/box.pem";

    @AttributeDefinition(name = "%key_path.name", description = "%key_path.description")
    String key_path() default "/var/lib/egov/pki/box.key";

    @AttributeDefinition(name = "%ca_cert_paths.name", description = "%ca_cert_paths.description")
    String[] ca_cert_paths() default {"/var/lib/egov/pki/ca-root.pem", "/var/lib/egov/pki/ca-issuing.pem"};

    @AttributeDefinition(name = "%hub_revocation.name",
            description = "%hub_revocation.description",
            options = {@Option(label = "relaxed", value = "relaxed"), @Option(label = "strict", value = "strict"),
                    @Option(label = "ifuri", value = "ifuri")})
    String hub_revocation() default "relaxed";

    @AttributeDefinition(name = "%plan_path.name",
            description = "%plan_path.description")
    String plan_path() default "";

    @AttributeDefinition(name = "%plan_zone.name", description = "%plan_zone.description",
            options = {@Option(label = "external (公务外网)", value = "external"), @Option(label = "private", value = "private"),
                    @Option(label = "internal (公务内网)", value = "internal")})
    String plan_zone() default "external";

    @AttributeDefinition(name = "%local_subnets.name", required = false,
            description = "%local_subnets.description")
    String[] local_subnets() default {};

    @AttributeDefinition(name = "%backbone_prefixes.name", description = "%backbone_prefixes.description")
    String[] backbone_prefixes();

    @AttributeDefinition(name = "%swanctl_dir.name", description = "%swanctl_dir.description")
    String swanctl_dir() default "/etc/swanctl";

    @AttributeDefinition(name = "%vici_socket.name", description = "%vici_socket.description")
    String vici_socket() default "/var/run/charon.vici";

    @AttributeDefinition(name = "%strongswan_conf_path.name",
            description = "%strongswan_conf_path.description")
    String strongswan_conf_path() default "";

    @AttributeDefinition(name = "%libipsec.name",
            description = "%libipsec.description")
    boolean libipsec() default false;

    @AttributeDefinition(name = "%charon_timeout_s.name",
            description = "%charon_timeout_s.description", min = "2")
    int charon_timeout_s() default 30;

    @AttributeDefinition(name = "%poll_interval_s.name", min = "1")
    int poll_interval_s() default 5;

    @AttributeDefinition(name = "%report_interval_s.name", description = "%report_interval_s.description", min = "1")
    int report_interval_s() default 60;

    @AttributeDefinition(name = "%retry_initial_s.name", min = "1")
    int retry_initial_s() default 2;

    @AttributeDefinition(name = "%retry_max_s.name", min = "1")
    int retry_max_s() default 60;

    @AttributeDefinition(name = "%dpd_delay_s.name", min = "1")
    int dpd_delay_s() default 30;

    @AttributeDefinition(name = "%ike_rekey_s.name", min = "60")
    int ike_rekey_s() default 14400;

    @AttributeDefinition(name = "%child_rekey_s.name", min = "60")
    int child_rekey_s() default 3600;

    @AttributeDefinition(name = "%ike_proposals.name", type = AttributeType.STRING)
    String[] ike_proposals() default {"aes256gcm16-prfsha384-ecp384", "aes128gcm16-prfsha256-ecp256"};

    @AttributeDefinition(name = "%esp_proposals.name", type = AttributeType.STRING)
    String[] esp_proposals() default {"aes256gcm16-ecp384", "aes128gcm16-ecp256"};
}
