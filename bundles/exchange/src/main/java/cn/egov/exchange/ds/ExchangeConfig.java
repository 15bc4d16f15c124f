package cn.egov.exchange.ds;

import cn.egov.exchange.keys.DocumentKeyEnrolment.SigningAlgorithm;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of PID {@code cn.egov.exchange}; {@link BoxExchangeSettings} checks what the Metatype cannot. */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/exchange", id = BoxExchangeSettings.PID, name = "%name",
        description = "%description")
public @interface ExchangeConfig {

    @AttributeDefinition(name = "%units.name", required = false,
            description = "%units.description")
    String[] units() default {};

    @AttributeDefinition(name = "%store_path.name", description = "%store_path.description")
    String store_path() default BoxExchangeSettings.DEFAULT_STORE_PATH;

    @AttributeDefinition(name = "%keys_dir.name", description = "%keys_dir.description")
    String keys_dir() default BoxExchangeSettings.DEFAULT_KEYS_DIR;

    @AttributeDefinition(name = "%keys_password.name", required = false, description = "%keys_password.description")
    String keys_password() default "";

    @AttributeDefinition(name = "%est_url.name", description = "%est_url.description")
    String est_url() default "https://ca.hebei.gov.cn:8443";

    @AttributeDefinition(name = "%hub_url.name", description = "%hub_url.description")
    String hub_url() default "https://manager.hebei.gov.cn:8445";

    @AttributeDefinition(name = "%signing_algorithm.name", description = "%signing_algorithm.description",
            options = {
                @org.osgi.service.metatype.annotations.Option(label = "ECDSA P-256", value = "P256"),
                @org.osgi.service.metatype.annotations.Option(label = "SM2 / SM3 (GM/T 0010)", value = "SM2")})
    SigningAlgorithm signing_algorithm() default SigningAlgorithm.P256;

    @AttributeDefinition(name = "%trust_anchors.name", required = false,
            description = "%trust_anchors.description")
    String trust_anchors() default "";

    @AttributeDefinition(name = "%max_document_mb.name", min = "1", max = "200",
            description = "%max_document_mb.description")
    int max_document_mb() default 20;

    @AttributeDefinition(name = "%dedupe_days.name", min = "1", max = "3650",
            description = "%dedupe_days.description")
    int dedupe_days() default 30;

    @AttributeDefinition(name = "%inbound_capacity.name", min = "10", max = "100000",
            description = "%inbound_capacity.description")
    int inbound_capacity() default 2000;

    @AttributeDefinition(name = "%tick_s.name", min = "1", max = "3600",
            description = "%tick_s.description")
    int tick_s() default 30;

    @AttributeDefinition(name = "%default_deadline_h.name", min = "1", max = "8760",
            description = "%default_deadline_h.description")
    int default_deadline_h() default 72;

    @AttributeDefinition(name = "%upload_parallel.name", min = "1", max = "32",
            description = "%upload_parallel.description")
    int upload_parallel() default 4;

    @AttributeDefinition(name = "%fetch_parallel.name", min = "1", max = "32",
            description = "%fetch_parallel.description")
    int fetch_parallel() default 4;

    @AttributeDefinition(name = "%enrol_retry_s.name", min = "5", max = "86400",
            description = "%enrol_retry_s.description")
    int enrol_retry_s() default 300;
}
