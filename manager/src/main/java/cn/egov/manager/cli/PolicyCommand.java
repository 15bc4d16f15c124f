package cn.egov.manager.cli;

import cn.egov.api.policy.PolicyBundleException;
import cn.egov.api.policy.PolicyBundleVerifier;
import cn.egov.api.policy.PolicyFile;
import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.PolicyScope;
import cn.egov.api.policy.SignedPolicyBundle;
import cn.egov.api.time.BeijingTime;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.ca.CaConfig;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.policy.dist.IssuedBundle;
import cn.egov.manager.policy.dist.PolicyBundleStore;
import cn.egov.manager.policy.dist.PolicyDistributor;
import cn.egov.manager.policy.dist.PolicyRefusedException;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.Database;
import cn.egov.manager.web.Json;
import cn.egov.rules.policy.PolicyLoader;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code manager policy publish|sign|verify}: signed isolation policy distribution.
 * <ul>
 *   <li>{@code publish --url URL --token-file FILE --dir DIR --scope SCOPE}: asks the running manager
 *       (REST, NOC role) to validate, sign and publish the policy files of DIR;</li>
 *   <li>{@code sign --config FILE --dir DIR --scope SCOPE --out FILE}: validates and signs offline with
 *       the manager's own CA and key, records it in the history, writes the signed bundle;</li>
 *   <li>{@code verify --bundle FILE --trust ROOT.pem --unit CODE [--serial-in-force N]}: runs the box's
 *       checks on a bundle file and prints its manifest (for auditors).</li>
 * </ul>
 * Exit codes: 0 done/valid, 1 refused (invalid policy, or a check failed), 2 bad input or unreachable.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Signed isolation policy: publish to boxes through the running manager, sign offline, verify a bundle.",
        exitCodeListHeading = CliErrors.HEADING,
        exitCodeList = {" 0:published, signed, or valid", " 1:refused: invalid policy, or a check of the bundle failed",
                " 2:bad input, or the manager unreachable"})
public final class PolicyCommand {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int BAD_INPUT = 2;
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Validate, sign and publish DIR's *.policy files to the units of SCOPE through the running manager (NOC only).",
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:published", " 1:the manager refused the policy (findings printed)", " 2:bad input, or the manager unreachable or refusing the request"})
    int publish(@Option(names = "--url", required = true, paramLabel = "URL", description = "The manager's web address, e.g. http://127.0.0.1:8080") String url,
                @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "File holding the NOC token (auth.noc.token)") Path tokenFile,
                @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Policy directory") Path dir,
                @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "unit:CODE[,CODE], county:CODE, city:CODE or province:CODE") String scope) throws IOException {
        // files first: a missing directory or token file is reported by name (CliErrors), not as a failed request
        String token;
        String body;
        try {
            PolicyScope.parse(scope);
            token = Files.readString(tokenFile).strip();
            body = Json.MAPPER.writeValueAsString(Map.of("scope", scope, "files", files(dir)));
        } catch (IllegalArgumentException e) {
            throw UserError.badInput("cannot publish: " + e.getMessage());
        }
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build().send(
                    HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/api/policy/bundles")).timeout(HTTP_TIMEOUT)
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode answer = Json.MAPPER.readTree(r.body());
            if (r.statusCode() == 201) {
                System.out.println("published serial " + answer.path("serial").asLong() + " (" + answer.path("policyName").asText() + " "
                        + answer.path("policyVersion").asText() + ", " + answer.path("scope").asText() + ") to "
                        + answer.path("units").size() + " unit(s): " + answer.path("units"));
                return OK;
            }
            System.err.println("manager answered " + r.statusCode() + ": " + answer.path("error").asText(r.body()));
            for (JsonNode f : answer.path("findings")) {
                System.err.println("  " + f.path("message").asText());
            }
            return r.statusCode() == 422 ? REFUSED : BAD_INPUT;
        } catch (IOException e) {
            throw UserError.badInput("cannot publish: " + CliErrors.httpFailure(url, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BAD_INPUT;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Validate and sign DIR's *.policy files offline with the manager's CA; record it and write the signed bundle.",
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:signed", " 1:invalid policy (findings printed)", " 2:bad input or configuration, or no CA configured"})
    int sign(@Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The manager's configuration (CA and database)") Path config,
             @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Policy directory") Path dir,
             @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "unit:CODE[,CODE], county:CODE, city:CODE or province:CODE") String scope,
             @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the signed bundle") Path out) {
        ManagerConfig cfg = null;
        try {
            PolicyScope s = PolicyScope.parse(scope);
            cfg = ConfigParts.load(config);
            if (!CaConfig.configured(cfg)) {
                System.err.println(config + " names no CA (ca.passphrase-file): nothing to sign with");
                return BAD_INPUT;
            }
            CaConfig caConfig = CaConfig.from(cfg);
            char[] pass = caConfig.passphrase();
            try (ProvincialCa ca = ProvincialCa.open(caConfig.dir(), pass, caConfig.settings())) {
                PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, caConfig.dir().resolve(PolicySigningKey.FILE), pass);
                Database db = Database.open(cfg.jdbcUrl(), cfg.get(ConfigKey.DB_USER), cfg.get(ConfigKey.DB_PASSWORD));
                PolicyDistributor d = new PolicyDistributor(new PolicyBundleStore(db), key, (t, p, r) -> {
                    throw new IllegalStateException("sign does not publish");
                }, List::of, cfg.get(ConfigKey.ACCOUNT), Clock.systemUTC());
                IssuedBundle b = d.sign(files(dir), s, "cli");
                Files.write(out, b.envelope());
                CliAudit.record(db, AUDIT_SIGN, scope, AuditEntry.Outcome.SUCCESS, "signed serial " + b.serial() + " ("
                        + b.policyName() + " " + b.policyVersion() + ") sha256 " + b.sha256());
                System.out.println("signed serial " + b.serial() + " (" + b.policyName() + " " + b.policyVersion() + ", " + b.scope()
                        + ") sha256 " + b.sha256() + " -> " + out);
                return OK;
            }
        } catch (PolicyRefusedException e) {
            System.err.println(e.getMessage());
            e.findings().forEach(f -> System.err.println("  " + f));
            // the first finding names file and line: what the auditor needs to see why it was refused
            CliAudit.recordRefusal(cfg, "manager policy sign", AUDIT_SIGN, scope, e.getMessage() + (e.findings().isEmpty() ? "" : ": " + e.findings().get(0)));
            return REFUSED;
        } catch (Exception e) {
            System.err.println("cannot sign: " + e.getMessage());
            CliAudit.recordRefusal(cfg, "manager policy sign", AUDIT_SIGN, scope, "cannot sign: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    /** The audit action of {@code policy sign} (the web's publish is {@code policy.publish}). */
    static final String AUDIT_SIGN = "policy.sign";

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Run the box's checks on a signed bundle file and print its manifest.",
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:valid", " 1:refused by one of the box's checks (named)", " 2:unreadable bundle, trust file or unit code"})
    int verify(@Option(names = "--bundle", required = true, paramLabel = "FILE", description = "Signed bundle (from sign, or a box's accepted.bundle)") Path bundle,
               @Option(names = "--trust", required = true, paramLabel = "PEM", description = "The provincial root certificate (PEM)") Path trust,
               @Option(names = "--unit", required = true, paramLabel = "CODE", description = "The unit whose box would receive it") String unit,
               @Option(names = "--serial-in-force", defaultValue = "0", paramLabel = "N", description = "Serial the box has in force (default 0)") long inForce) {
        try {
            List<X509Certificate> roots = new ArrayList<>();
            try (InputStream in = Files.newInputStream(trust)) {
                CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> roots.add((X509Certificate) c));
            }
            PolicyManifest m = new PolicyBundleVerifier(roots, Clock.systemUTC())
                    .verify(SignedPolicyBundle.decode(Files.readAllBytes(bundle)), UnitCode.parse(unit), inForce);
            System.out.println("valid: " + m.policyName() + " " + m.policyVersion() + ", serial " + m.serial() + ", scope " + m.scope()
                    + ", issued " + BeijingTime.labelled(m.issuedAt()));
            for (PolicyFile f : m.files()) {
                System.out.println("  " + f.name() + "  sha256 " + f.sha256() + "  " + f.content().length + " bytes");
            }
            return OK;
        } catch (PolicyBundleException e) {
            System.err.println("refused by check '" + e.check().label() + "': " + e.getMessage());
            return REFUSED;
        } catch (Exception e) {
            System.err.println("cannot verify: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    /** Every {@code *.policy} file of {@code dir}, by name. */
    static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(PolicyLoader.SUFFIX) && Files.isRegularFile(p)).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        if (files.isEmpty()) {
            throw new IOException("no *" + PolicyLoader.SUFFIX + " files in " + dir);
        }
        return files;
    }
}
