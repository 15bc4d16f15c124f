package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mosquitto's password file format, against lines made by Debian's mosquitto_passwd and back. */
class PasswordFileTest {

    @TempDir
    Path dir;

    @Test
    void linesOfMosquittoPasswdAreCheckedBothHashFormats() throws Exception {
        Path f = dir.resolve("boxes.passwd");
        run("mosquitto_passwd", "-b", "-c", f.toString(), "130602-001", "pbkdf2-secret"); // $7$, the default
        run("mosquitto_passwd", "-H", "sha512", "-b", f.toString(), "130602-002", "sha512-secret"); // $6$, Mosquitto 1.6
        PasswordFile p = new PasswordFile(f).load();
        assertEquals(PasswordFile.Check.OK, p.check("130602-001", "pbkdf2-secret"));
        assertEquals(PasswordFile.Check.OK, p.check("130602-002", "sha512-secret"));
        assertEquals(PasswordFile.Check.WRONG_PASSWORD, p.check("130602-001", "sha512-secret"));
        assertEquals(PasswordFile.Check.WRONG_PASSWORD, p.check("130602-001", null));
        assertEquals(PasswordFile.Check.UNKNOWN_USER, p.check("130602-003", "pbkdf2-secret"));
    }

    @Test
    void ourLinesAreReadByMosquittoAndTheFileIsReadAgainWhenItChanges() throws Exception {
        Path f = dir.resolve("lab.passwd");
        Files.writeString(f, PasswordFile.line("130602-001", "first") + "\n");
        PasswordFile p = new PasswordFile(f).load();
        assertEquals(PasswordFile.Check.OK, p.check("130602-001", "first"));
        assertEquals(PasswordFile.Check.UNKNOWN_USER, p.check("130602-002", "second"));
        // what mosquitto_passwd -U would refuse to touch: it upgrades plain text only, so our $7$ line must pass its parser
        run("mosquitto_passwd", "-b", f.toString(), "130602-002", "second");
        assertEquals(PasswordFile.Check.OK, p.check("130602-002", "second"), "a box added later gets in without a restart");
        assertEquals(PasswordFile.Check.OK, p.check("130602-001", "first"), "mosquitto_passwd kept our line");
        run("mosquitto_passwd", "-D", f.toString(), "130602-001");
        assertEquals(PasswordFile.Check.UNKNOWN_USER, p.check("130602-001", "first"), "a removed line locks the box out");
    }

    @Test
    void aMalformedLineLetsThatUserInNeverAndAMissingFileIsAConfigurationError() throws Exception {
        Path f = dir.resolve("bad.passwd");
        Files.writeString(f, "130602-001:plaintext\n# comment\n\n" + PasswordFile.line("130602-002", "ok") + "\n130602-003\n");
        PasswordFile p = new PasswordFile(f).load();
        assertEquals(PasswordFile.Check.UNKNOWN_USER, p.check("130602-001", "plaintext"), "plain text is no hash");
        assertEquals(PasswordFile.Check.OK, p.check("130602-002", "ok"));
        assertEquals(PasswordFile.Check.UNKNOWN_USER, p.check("130602-003", ""));
        assertThrows(IOException.class, () -> new PasswordFile(dir.resolve("absent.passwd")).load());
        Files.delete(f);
        assertEquals(PasswordFile.Check.UNKNOWN_USER, p.check("130602-002", "ok"), "an unreadable file lets nobody in");
        Files.writeString(f, PasswordFile.line("130602-002", "ok") + "\n", StandardOpenOption.CREATE);
        assertEquals(PasswordFile.Check.OK, p.check("130602-002", "ok"));
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
