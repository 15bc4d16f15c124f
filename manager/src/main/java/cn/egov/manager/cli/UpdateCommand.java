package cn.egov.manager.cli;

import cn.egov.api.policy.PolicyScope;
import cn.egov.api.update.UpdateManifest;
import cn.egov.manager.ca.CaConfig;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.Database;
import cn.egov.manager.update.BoxUpdateSigner;
import cn.egov.manager.update.UpdateFiles;
import cn.egov.manager.update.UpdatePart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code manager update sign}: a signed box update file from an egov-box package, for
 * {@code appliance update install} on the box, kept in {@code update.dir} for pushing over MQTT
 * ({@code POST /api/updates/<serial>/push}).
 */
@Command(name = "update", mixinStandardHelpOptions = true, description = "Signed box updates.")
public final class UpdateCommand {

    static final int OK = 0;
    static final int BAD_INPUT = 2;

    /** A field of a package's control file, as dpkg-deb reads it. */
    private static String control(Path deb, String field) throws java.io.IOException, InterruptedException {
        Process p = new ProcessBuilder("dpkg-deb", "-f", deb.toString(), field).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new java.io.IOException(deb + " is not a Debian package (dpkg-deb: " + out + ")");
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
            ManagerConfig cfg = ConfigParts.load(config);
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
                System.out.println("signed update serial " + signed.manifest().serial() + " (egov-box " + version + ", " + s
                        + ") package sha256 " + signed.manifest().sha256() + " -> " + out + " (kept for pushing: " + kept + ")");
                return OK;
            }
        } catch (Exception e) {
            System.err.println("manager update sign: cannot sign: " + e.getMessage());
            return BAD_INPUT;
        }
    }
}
