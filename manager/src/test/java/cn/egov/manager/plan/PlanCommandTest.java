package cn.egov.manager.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.cli.ManagerCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code manager plan check|whois} through picocli, as a user runs them; exit codes 0/1/2. */
class PlanCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out) {
    }

    private static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int exit = ManagerCommand.commandLine().execute(args);
            return new Run(exit, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void checkCleanPlantedAndBadInput() throws Exception {
        Run clean = run("plan", "check", "../rules/plan");
        assertEquals(0, clean.exit(), clean.out());
        assertTrue(clean.out().contains("0 error(s)"), clean.out());

        Path planted = dir.resolve("planted.plan");
        Files.writeString(planted, "alloc 130602-002 internal 10.6.16.0/25\n");
        Run bad = run("plan", "check", "../rules/plan", planted.toString(), "--json");
        assertEquals(1, bad.exit(), bad.out());
        assertTrue(bad.out().contains("\"kind\" : \"foreign-space\"") && bad.out().contains("\"line\" : 1"), bad.out());

        assertEquals(2, run("plan", "check", dir.resolve("missing.plan").toString()).exit());
    }

    @Test
    void whoisAddressPrefixName() {
        Run a = run("plan", "whois", "--plan", "../rules/plan", "10.6.8.9");
        assertEquals(0, a.exit());
        assertTrue(a.out().contains("owner:   130602-001 河北省 保定市 竞秀区 竞秀区教育局"), a.out());
        Run p = run("plan", "whois", "--plan", "../rules/plan", "--json", "10.6.0.0/16");
        assertTrue(p.out().contains("\"owner\" : \"1306\""), p.out());
        Run n = run("plan", "whois", "--plan", "../rules/plan", "oa.slj.bd.hebei.egov");
        assertTrue(n.out().contains("130600-012"), n.out());
        assertEquals(1, run("plan", "whois", "--plan", "../rules/plan", "192.0.2.1").exit());
        assertEquals(2, run("plan", "whois", "--plan", "../rules/plan", "10.0.0.1/99").exit());
    }
}
