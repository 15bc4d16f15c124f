package cn.egov.vpn;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of the backbone tunnel (PID {@code cn.egov.vpn.tunnel}): the schema a console renders. */
@ObjectClassDefinition(name = "Backbone tunnel",
        description = "strongSwan IKEv2 tunnel from this box into the provincial backbone hub, with the box's CA certificate.")
public @interface TunnelConfig {

    @AttributeDefinition(name = "Hub address", description = "Address or name of the backbone hub.")
    String hub_address();

    @AttributeDefinition(name = "Hub identity",
            description = "Subject DN the hub's certificate must carry, e.g. C=CN, O=..., OU=backbone, CN=hub.backbone.hebei.gov.cn")
    String hub_id();

    @AttributeDefinition(name = "Box certificate", description = "PEM certificate issued to this box by the provincial CA.")
    String cert_path() default "/var/lib/egov/pki/box.pem";

    @AttributeDefinition(name = "Box private key", description = "PEM private key of this box.")
    String key_path() default "/var/lib/egov/pki/box.key";

    @AttributeDefinition(name = "CA certificates", description = "Provincial root and issuing CA certificates (PEM), the only CAs the hub may chain to.")
    String[] ca_cert_paths() default {"/var/lib/egov/pki/ca-root.pem", "/var/lib/egov/pki/ca-issuing.pem"};

    @AttributeDefinition(name = "Hub revocation check",
            description = "relaxed: refuse a hub whose certificate a loaded CRL lists; strict: also refuse when no valid CRL is loaded.",
            options = {@Option(label = "relaxed", value = "relaxed"), @Option(label = "strict", value = "strict"),
                    @Option(label = "ifuri", value = "ifuri")})
    String hub_revocation() default "relaxed";

    @AttributeDefinition(name = "Address plan",
            description = "Plan file or folder; the tunnel's local subnets are this unit's allocations in the plan zone. Empty: use Local subnets.")
    String plan_path() default "";

    @AttributeDefinition(name = "Plan zone", description = "Zone of the plan the backbone carries.",
            options = {@Option(label = "external (公务外网)", value = "external"), @Option(label = "private", value = "private"),
                    @Option(label = "internal (公务内网)", value = "internal")})
    String plan_zone() default "external";

    @AttributeDefinition(name = "Local subnets", required = false,
            description = "Only without an address plan: the unit's subnets (CIDR), the tunnel's local traffic selectors.")
    String[] local_subnets() default {};

    @AttributeDefinition(name = "Backbone prefixes", description = "Backbone prefixes (CIDR) reached through the hub.")
    String[] backbone_prefixes();

    @AttributeDefinition(name = "swanctl folder", description = "Folder for swanctl.conf and the x509/x509ca/x509crl/private folders.")
    String swanctl_dir() default "/etc/swanctl";

    @AttributeDefinition(name = "VICI socket", description = "charon's VICI socket.")
    String vici_socket() default "/var/run/charon.vici";

    @AttributeDefinition(name = "strongswan.conf to write",
            description = "When set, the daemon's strongswan.conf is rendered here (plugins, VICI socket); empty: leave the system's.")
    String strongswan_conf_path() default "";

    @AttributeDefinition(name = "Userspace IPsec (libipsec)",
            description = "Carry ESP in userspace through the TUN device ipsec0 instead of kernel IPsec (labs, kernels without IPsec crypto).")
    boolean libipsec() default false;

    @AttributeDefinition(name = "charon call timeout (s)",
            description = "Longest wait for one load, initiate or list; an initiation gives up a little earlier.", min = "2")
    int charon_timeout_s() default 30;

    @AttributeDefinition(name = "Poll interval (s)", min = "1")
    int poll_interval_s() default 5;

    @AttributeDefinition(name = "Report interval (s)", description = "How often counters are published while the state is unchanged.", min = "1")
    int report_interval_s() default 60;

    @AttributeDefinition(name = "First retry delay (s)", min = "1")
    int retry_initial_s() default 2;

    @AttributeDefinition(name = "Longest retry delay (s)", min = "1")
    int retry_max_s() default 60;

    @AttributeDefinition(name = "Dead peer detection (s)", min = "1")
    int dpd_delay_s() default 30;

    @AttributeDefinition(name = "IKE rekey (s)", min = "60")
    int ike_rekey_s() default 14400;

    @AttributeDefinition(name = "CHILD rekey (s)", min = "60")
    int child_rekey_s() default 3600;

    @AttributeDefinition(name = "IKE proposals", type = AttributeType.STRING)
    String[] ike_proposals() default {"aes256gcm16-prfsha384-ecp384", "aes128gcm16-prfsha256-ecp256"};

    @AttributeDefinition(name = "ESP proposals", type = AttributeType.STRING)
    String[] esp_proposals() default {"aes256gcm16-ecp384", "aes128gcm16-ecp256"};
}
