package cn.egov.manager.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.cli.ManagerCommand;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.TestAccounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code manager account add|list|passwd|remove} as the administrator runs it, and what the web server then lets in. */
class AccountCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return new Run(ManagerCommand.commandLine().execute(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private int status(ManagerAssembly m, String user, String password) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/boxes"))
                .header("Authorization", TestAccounts.basic(user, password)).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The administrator points the command at the file the server runs with: its parts' keys are known here too. */
    @Test
    void theServersOwnFileWithPartKeysIsAccepted() throws Exception {
        Path config = dir.resolve("manager.properties");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\nbroker.port = 0\nweb.port = 0\nnoc.series.replay-page = 1000\n"
                + "ingest.queue.capacity = 5000\n");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "first-password-123\n");
        Run added = run("account", "add", "noc1", "--role", "noc", "--config", config.toString(), "--password-file", pw.toString());
        assertEquals(0, added.exit(), added.err() + added.out());
        Files.writeString(config, "noc.series.replay-pages = 1000\n", java.nio.file.StandardOpenOption.APPEND);
        Run misspelt = run("account", "list", "--config", config.toString());
        assertEquals(2, misspelt.exit(), misspelt.err() + misspelt.out());
        assertTrue(misspelt.err().contains("noc.series.replay-pages"), misspelt.err());
    }

    @Test
    void addListPasswdRemove() throws Exception {
        Path config = dir.resolve("manager.properties");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\nbroker.port = 0\nweb.port = 0\n");
        String cfg = config.toString();
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "first-password-123\n");
        Path pw2 = dir.resolve("pw2");
        Files.writeString(pw2, "second-password-456\n");
        Path shortPw = dir.resolve("short");
        Files.writeString(shortPw, "short\n");

        Run added = run("account", "add", "bd-tech", "--role", "technician", "--county", "130602", "--county", "130606",
                "--config", cfg, "--password-file", pw.toString());
        assertEquals(0, added.exit(), added.err() + added.out());
        assertEquals("account bd-tech added (technician, counties 130602,130606)\n", added.out());

        for (String[] bad : List.of(
                new String[]{"account", "add", "t2", "--role", "technician", "--config", cfg, "--password-file", pw.toString()},
                new String[]{"account", "add", "t3", "--role", "technician", "--county", "999999", "--config", cfg, "--password-file", pw.toString()},
                new String[]{"account", "add", "n1", "--role", "noc", "--county", "130602", "--config", cfg, "--password-file", pw.toString()},
                new String[]{"account", "add", "n2", "--role", "root", "--config", cfg, "--password-file", pw.toString()},
                new String[]{"account", "add", "Bad Name", "--role", "noc", "--config", cfg, "--password-file", pw.toString()},
                new String[]{"account", "add", "n3", "--role", "noc", "--config", cfg, "--password-file", shortPw.toString()})) {
            Run r = run(bad);
            assertEquals(2, r.exit(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("manager account add: "), r.err());
        }
        assertEquals(1, run("account", "add", "bd-tech", "--role", "noc", "--config", cfg, "--password-file", pw.toString()).exit(), "taken");
        assertEquals(1, run("account", "add", "noc", "--role", "noc", "--config", cfg, "--password-file", pw.toString()).exit(), "reserved");

        Run list = run("account", "list", "--config", cfg);
        assertEquals(0, list.exit());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("bd-tech") && l.contains("technician") && l.contains("130602,130606")), list.out());
        assertTrue(list.out().endsWith("1 account(s)\n"), list.out());
        // CHANGED in Beijing time as the pages show it, the zone named once in the header, no UTC instant on the row
        assertTrue(list.out().lines().findFirst().orElseThrow().endsWith("CHANGED (北京时间 UTC+8)"), list.out());
        String row = list.out().lines().filter(l -> l.startsWith("bd-tech")).findFirst().orElseThrow();
        String changed = row.substring(row.length() - "2026-12-07 20:00:00".length());
        java.time.Instant at = java.time.LocalDateTime.parse(changed.replace(' ', 'T')).toInstant(cn.egov.api.time.BeijingTime.ZONE);
        long updated;
        try (cn.egov.manager.store.Database db = cn.egov.manager.store.Database.open("jdbc:sqlite:" + dir.resolve("data/manager.db"))) {
            updated = new AccountStore(db).list().get(0).updated();
        }
        assertEquals(updated / 1000, at.getEpochSecond(), row);

        try (ManagerAssembly m = ManagerAssembly.start(ManagerConfig.load(config), ManagerAssembly.Options.defaults())) {
            assertEquals(200, status(m, "bd-tech", "first-password-123"));
            assertEquals(0, run("account", "passwd", "bd-tech", "--config", cfg, "--password-file", pw2.toString()).exit());
            assertEquals(401, status(m, "bd-tech", "first-password-123"), "the old password stops working at once");
            assertEquals(200, status(m, "bd-tech", "second-password-456"));
            assertEquals(0, run("account", "remove", "bd-tech", "--config", cfg).exit());
            assertEquals(401, status(m, "bd-tech", "second-password-456"), "a removed account is refused at once");
            assertEquals(1, run("account", "remove", "bd-tech", "--config", cfg).exit());
            assertEquals(1, run("account", "passwd", "nobody", "--config", cfg, "--password-file", pw2.toString()).exit());

            List<AuditEntry> audit = new AuditLog(m.database()).newest(10);
            assertEquals("account.remove REFUSED", audit.get(1).action() + " " + audit.get(1).outcome());
            assertEquals("account.remove SUCCESS", audit.get(2).action() + " " + audit.get(2).outcome());
            assertEquals("account.passwd SUCCESS", audit.get(3).action() + " " + audit.get(3).outcome());
            assertEquals("cli:" + System.getProperty("user.name"), audit.get(2).actor());
            assertEquals("local", audit.get(2).source());
        }
    }
}
