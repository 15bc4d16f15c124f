package cn.egov.manager.cli;

import cn.egov.api.policy.PolicyScope;
import cn.egov.api.update.UpdateManifest;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.ca.CaConfig;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.Database;
import cn.egov.manager.update.BoxUpdateSigner;
import cn.egov.manager.update.UpdateFiles;
import cn.egov.manager.update.UpdatePart;
import cn.egov.manager.web.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code manager update sign|push}: a signed box update file from an egov-box package, for
 * {@code appliance update install} on the box, kept in {@code update.dir} for pushing over MQTT
 * ({@code POST /api/updates/<serial>/push}).
 */
@Command(name = "update", mixinStandardHelpOptions = true, description = "Signed box updates: sign one, push one over MQTT.")
public final class UpdateCommand {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int BAD_INPUT = 2;
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);

    /** A field of a package's control file, as dpkg-deb reads it. */
    private static String control(Path deb, String field) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dpkg-deb", "-f", deb.toString(), field).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IOException(deb + " is not a Debian package (dpkg-deb: " + out + ")");
        }
        return out;
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Sign an egov-box package (its version read from it) with the manager's signing key for SCOPE; record it; write the update file.",
            exitCodeListHeading = "Exit codes:%n", exitCodeList = {" 0:signed", " 2:bad input or configuration, or no CA configured"})
    int sign(@Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The manager's configuration (CA and database)") Path config,
             @Option(names = "--deb", required = true, paramLabel = "FILE", description = "The egov-box package") Path deb,
             @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "unit:CODE[,CODE], county:CODE, city:CODE or province:CODE") String scope,
             @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the update") Path out) {
        ManagerConfig cfg = null;
        try {
            PolicyScope s = PolicyScope.parse(scope);
            // the version the box will wait for is the package's own (a different one given here would
            // make every box roll back)
            String pkg = control(deb, "Package");
            if (!UpdateManifest.PACKAGE.equals(pkg)) {
                System.err.println("manager update sign: " + deb + " is package '" + pkg + "', not " + UpdateManifest.PACKAGE);
                return BAD_INPUT;
            }
            String version = control(deb, "Version");
            cfg = ConfigParts.load(config);
            if (!CaConfig.configured(cfg)) {
                System.err.println("manager update sign: " + config + " names no CA (ca.passphrase-file): nothing to sign with");
                return BAD_INPUT;
            }
            CaConfig caConfig = CaConfig.from(cfg);
            char[] pass = caConfig.passphrase();
            try (ProvincialCa ca = ProvincialCa.open(caConfig.dir(), pass, caConfig.settings())) {
                PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, caConfig.dir().resolve(PolicySigningKey.FILE), pass);
                Database db = Database.open(cfg.jdbcUrl(), cfg.get(ConfigKey.DB_USER), cfg.get(ConfigKey.DB_PASSWORD));
                BoxUpdateSigner.Signed signed = new BoxUpdateSigner(db, key, Clock.systemUTC()).sign(Files.readAllBytes(deb), version, s);
                Files.write(out, signed.update());
                // the copy the download server serves when the update is pushed over MQTT
                String dir = cfg.extension("update").getOrDefault("dir", "");
                Path kept = new UpdateFiles(dir.isEmpty() ? UpdatePart.filesDir(cfg.dataDir()) : Path.of(dir))
                        .store(signed.manifest().serial(), signed.update());
                CliAudit.record(db, AUDIT_SIGN, scope, AuditEntry.Outcome.SUCCESS, "signed update serial " + signed.manifest().serial()
                        + " (egov-box " + version + ") package sha256 " + signed.manifest().sha256());
                System.out.println("signed update serial " + signed.manifest().serial() + " (egov-box " + version + ", " + s
                        + ") package sha256 " + signed.manifest().sha256() + " -> " + out + " (kept for pushing: " + kept + ")");
                return OK;
            }
        } catch (Exception e) {
            System.err.println("manager update sign: cannot sign: " + e.getMessage());
            CliAudit.recordRefusal(cfg, "manager update sign", AUDIT_SIGN, scope, "cannot sign: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    /** The audit action of {@code update sign} (the web's push is audited by the manager). */
    static final String AUDIT_SIGN = "update.sign";

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Push a signed update over MQTT to the boxes of SCOPE (default: the update's signed scope) through the running manager "
                    + "(NOC or administrator); follow each box's state with GET /api/updates.",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {" 0:requested of every box of the scope", " 1:refused by the manager (no such update, no file, no box in the scope), "
                    + "or the broker did not take some requests", " 2:bad input, or the manager unreachable or refusing the caller"})
    int push(@Option(names = "--url", required = true, paramLabel = "URL", description = "The manager's web address, e.g. https://127.0.0.1:8443") String url,
             @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "File holding the NOC token (auth.noc.token)") Path tokenFile,
             @Option(names = "--serial", required = true, paramLabel = "N", description = "The update's serial (from 'manager update sign')") long serial,
             @Option(names = "--scope", paramLabel = "SCOPE", description = "unit:CODE[,CODE], county:CODE, city:CODE or province:CODE") String scope) {
        try {
            if (scope != null) {
                PolicyScope.parse(scope);
            }
            String token = Files.readString(tokenFile).strip();
            String body = Json.MAPPER.writeValueAsString(scope == null ? Map.of() : Map.of("scope", scope));
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build().send(
                    HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/api/updates/" + serial + "/push"))
                            .timeout(HTTP_TIMEOUT).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode answer = Json.MAPPER.readTree(r.body());
            if (r.statusCode() == 202) {
                System.out.println("update serial " + serial + " (egov-box " + answer.path("version").asText() + ") requested of "
                        + answer.path("units").size() + " box(es): " + answer.path("units")
                        + (answer.path("unsent").isEmpty() ? "" : "; not taken by the broker: " + answer.path("unsent")));
                return answer.path("unsent").isEmpty() ? OK : REFUSED;
            }
            System.err.println("manager update push: the manager answered " + r.statusCode() + ": " + answer.path("error").asText(r.body()));
            return r.statusCode() == 401 || r.statusCode() == 403 ? BAD_INPUT : REFUSED;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("manager update push: " + e.getMessage());
            return BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BAD_INPUT;
        }
    }
}
