package cn.egov.exchange.ds;

import cn.egov.exchange.keys.DocumentKeyEnrolment.SigningAlgorithm;
import cn.egov.exchange.service.ExchangeSettings;
import cn.egov.rules.unit.UnitCode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The exchange's configuration on a box (PID {@value #PID}), checked: every error names the PID and
 * the key, so the launcher can point at the configuration file's line.
 *
 * @param units      the units served, in order (the box's own unit when none is configured)
 * @param trustFile  PEM file of trust anchors, or null for the box's enrolment CA certificates
 */
public record BoxExchangeSettings(List<UnitCode> units, Path storePath, Path keysDir, char[] keysPassword, URI estUrl,
                                  SigningAlgorithm signingAlgorithm, Path trustFile, ExchangeSettings exchange, Duration enrolRetry) {

    public static final String PID = "cn.egov.exchange";
    public static final String DEFAULT_STORE_PATH = "/var/lib/egov-box/exchange/exchange.db";
    public static final String DEFAULT_KEYS_DIR = "/var/lib/egov-box/exchange/keys";

    public static BoxExchangeSettings of(ExchangeConfig c, UnitCode boxUnit) {
        List<UnitCode> units = new ArrayList<>();
        String[] configured = c.units() == null ? new String[0] : c.units();
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String u : configured) {
            String code = u == null ? "" : u.strip();
            if (code.isEmpty()) {
                continue;
            }
            if (!UnitCode.isValid(code)) {
                throw bad("units", "'" + cn.egov.api.text.LogSafe.of(code) + "' is not a unit code CCCCCC-DDD");
            }
            if (!UnitCode.parse(code).countyCode().equals(boxUnit.countyCode())) {
                throw bad("units", code + " is not in the box's county " + boxUnit.countyCode() + " (the hub refuses it)");
            }
            if (seen.add(code)) {
                units.add(UnitCode.parse(code));
            }
        }
        if (units.isEmpty()) {
            units.add(boxUnit);
        }
        URI est;
        try {
            est = URI.create(c.est_url().strip());
            if (!"https".equals(est.getScheme()) || est.getHost() == null) {
                throw bad("est.url", "'" + c.est_url() + "' is not an https:// URL");
            }
        } catch (IllegalArgumentException e) {
            throw bad("est.url", "'" + c.est_url() + "' is not a URL");
        }
        if (c.store_path().isBlank()) {
            throw bad("store.path", "is empty");
        }
        if (c.keys_dir().isBlank()) {
            throw bad("keys.dir", "is empty");
        }
        ExchangeSettings exchange = new ExchangeSettings((long) c.max_document_mb() * 1024 * 1024, Duration.ofDays(c.dedupe_days()),
                c.inbound_capacity(), Duration.ofSeconds(c.tick_s()), Duration.ofHours(c.default_deadline_h()));
        String trust = c.trust_anchors() == null ? "" : c.trust_anchors().strip();
        return new BoxExchangeSettings(List.copyOf(units), Path.of(c.store_path().strip()), Path.of(c.keys_dir().strip()),
                c.keys_password() == null ? new char[0] : c.keys_password().toCharArray(), est, c.signing_algorithm(),
                trust.isEmpty() ? null : Path.of(trust), exchange, Duration.ofSeconds(c.enrol_retry_s()));
    }

    private static IllegalArgumentException bad(String key, String problem) {
        return new IllegalArgumentException(PID + ": " + key + " " + problem);
    }
}
