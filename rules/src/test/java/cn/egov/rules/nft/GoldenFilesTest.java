package cn.egov.rules.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import cn.egov.rules.policy.Finding;
import cn.egov.rules.policy.PolicyLoad;
import cn.egov.rules.policy.PolicyLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: each folder under {@code src/test/resources/golden-policy/} holds a policy
 * ({@code *.policy}), the expected findings ({@code expected-findings.txt}) and, when the policy is
 * valid, the expected ruleset ({@code expected.nft}). Run with {@code -Dgolden.update=true} to
 * rewrite the expectations after a deliberate change, then review the diff.
 */
class GoldenFilesTest {

    /** Fixed day, so that exception expiry in the golden files does not depend on the calendar. */
    static final LocalDate TODAY = LocalDate.of(2026, 11, 27);
    static final Path ROOT = Path.of("src/test/resources/golden-policy");

    @TestFactory
    Stream<DynamicTest> goldenFiles() throws IOException {
        List<Path> cases;
        try (Stream<Path> s = Files.list(ROOT)) {
            cases = s.filter(Files::isDirectory).sorted().toList();
        }
        assertFalse(cases.isEmpty());
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private static void check(Path dir) throws IOException {
        PolicyLoad load = PolicyLoader.load(dir, TODAY);
        String findings = load.findings().stream().map(Finding::toString).collect(Collectors.joining("\n", "", "\n"));
        String ruleset = load.ok() ? NftablesCompiler.compile(load.policy(), TODAY).text() : null;
        compare(dir.resolve("expected-findings.txt"), findings);
        if (ruleset != null) {
            compare(dir.resolve("expected.nft"), ruleset.replace(load.policy().sha256(), "<sha256>"));
        } else {
            assertFalse(Files.exists(dir.resolve("expected.nft")), dir + ": policy has errors but expected.nft exists");
        }
    }

    private static void compare(Path expected, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, actual, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(Files.readString(expected, StandardCharsets.UTF_8), actual, expected.toString());
    }
}
