package cn.egov.exchange.ds;

import cn.egov.exchange.keys.DocumentKeyEnrolment.SigningAlgorithm;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of PID {@code cn.egov.exchange}; {@link BoxExchangeSettings} checks what the Metatype cannot. */
@ObjectClassDefinition(id = BoxExchangeSettings.PID, name = "公文交换 Document exchange",
        description = "The units this box exchanges documents for, their keys, the store and the limits.")
public @interface ExchangeConfig {

    @AttributeDefinition(name = "Units", required = false,
            description = "Unit codes (CCCCCC-DDD) this box sends and receives documents for; empty: the box's own unit")
    String[] units() default {};

    @AttributeDefinition(name = "Store", description = "SQLite file of sent and received documents, receipts and the directory")
    String store_path() default BoxExchangeSettings.DEFAULT_STORE_PATH;

    @AttributeDefinition(name = "Key folder", description = "One PKCS#12 file per unit (<unit>.p12): its signing and encryption keys")
    String keys_dir() default BoxExchangeSettings.DEFAULT_KEYS_DIR;

    @AttributeDefinition(name = "Key password", required = false, description = "Password of the unit key files")
    String keys_password() default "";

    @AttributeDefinition(name = "EST URL", description = "The provincial CA's EST base: a unit without keys gets them there, "
            + "authenticated by the box certificate (own unit only)")
    String est_url() default "https://ca.hebei.gov.cn:8443";

    @AttributeDefinition(name = "Signing algorithm", description = "Key made for a unit's document signatures at enrolment",
            options = {
                @org.osgi.service.metatype.annotations.Option(label = "ECDSA P-256", value = "P256"),
                @org.osgi.service.metatype.annotations.Option(label = "SM2 / SM3 (GM/T 0010)", value = "SM2")})
    SigningAlgorithm signing_algorithm() default SigningAlgorithm.P256;

    @AttributeDefinition(name = "Trust anchors", required = false,
            description = "PEM file with the provincial root (and CA) certificates; empty: those the box got at its enrolment")
    String trust_anchors() default "";

    @AttributeDefinition(name = "Largest document (MB)", min = "1", max = "200",
            description = "All files of one document together; larger uploads are refused (413)")
    int max_document_mb() default 20;

    @AttributeDefinition(name = "Duplicate window (days)", min = "1", max = "3650",
            description = "How long refused message ids are remembered, and the oldest document accepted: at least the longest outage")
    int dedupe_days() default 30;

    @AttributeDefinition(name = "Inbound queue", min = "10", max = "100000",
            description = "Messages from the hub waiting to be handled; more are dropped, counted and alarmed (the hub sends them again)")
    int inbound_capacity() default 2000;

    @AttributeDefinition(name = "Check period (s)", min = "1", max = "3600",
            description = "How often deadlines, hand-overs to the outbox and unopened documents are checked")
    int tick_s() default 30;

    @AttributeDefinition(name = "Default deadline (h)", min = "1", max = "8760",
            description = "Deadline of a document sent without one: after it the sender is told 'undeliverable'")
    int default_deadline_h() default 72;

    @AttributeDefinition(name = "Key enrolment retry (s)", min = "5", max = "86400",
            description = "While a unit has no keys (box not enrolled yet, CA unreachable), how often enrolment is tried again")
    int enrol_retry_s() default 300;
}
