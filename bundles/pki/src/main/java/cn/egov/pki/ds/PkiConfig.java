package cn.egov.pki.ds;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of PID {@code cn.egov.pki}. */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/pki", id = PkiComponent.PID, name = "%name",
        description = "%description")
public @interface PkiConfig {

    @AttributeDefinition(name = "%est_url.name", description = "%est_url.description")
    String est_url() default "https://ca.hebei.gov.cn:8443";

    @AttributeDefinition(name = "%key_store_path.name", description = "%key_store_path.description")
    String key_store_path() default "/var/lib/egov/pki/box.p12";

    @AttributeDefinition(name = "%key_store_password.name", type = AttributeType.PASSWORD, required = false)
    String key_store_password() default "";

    @AttributeDefinition(name = "%renewal_fraction.name", min = "0.05", max = "0.95",
            description = "%renewal_fraction.description")
    double renewal_fraction() default 0.6667;

    @AttributeDefinition(name = "%check_interval_s.name", min = "10", max = "86400",
            description = "%check_interval_s.description")
    int check_interval_s() default 3600;

    @AttributeDefinition(name = "%trust_store_paths.name", description = "%trust_store_paths.description")
    String[] trust_store_paths() default {"/etc/swanctl/x509ca", "/etc/mosquitto/ca_certificates"};
}
