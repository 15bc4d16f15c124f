package cn.egov.pki.ds;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of PID {@code cn.egov.pki}. */
@ObjectClassDefinition(id = PkiComponent.PID, name = "Box certificate (PKI)",
        description = "Enrolment with the provincial CA over EST, renewal, revocation checks and trust store audit.")
public @interface PkiConfig {

    @AttributeDefinition(name = "EST URL", description = "The manager's EST base, https://host:port (paths /.well-known/est/... are added)")
    String est_url() default "https://ca.hebei.gov.cn:8443";

    @AttributeDefinition(name = "Key store", description = "PKCS#12 file with the box key, its certificate and the provincial CA certificates (mode 0600)")
    String key_store_path() default "/var/lib/egov/pki/box.p12";

    @AttributeDefinition(name = "Key store password", type = AttributeType.PASSWORD, required = false)
    String key_store_password() default "";

    @AttributeDefinition(name = "Renewal fraction", min = "0.05", max = "0.95",
            description = "Renew (simplereenroll) after this fraction of the certificate's lifetime")
    double renewal_fraction() default 0.6667;

    @AttributeDefinition(name = "Check interval (s)", min = "10", max = "86400",
            description = "How often the certificate state is reported, renewal checked and trust stores audited")
    int check_interval_s() default 3600;

    @AttributeDefinition(name = "Trust stores", description = "Files or directories of CA certificates to audit (PEM/DER)")
    String[] trust_store_paths() default {"/etc/swanctl/x509ca", "/etc/mosquitto/ca_certificates"};
}
