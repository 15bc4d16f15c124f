package cn.egov.isolation.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.nft.NftRuleset;
import cn.egov.rules.nft.NftablesCompiler;
import cn.egov.rules.policy.PolicyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact comparison on tables the kernel really made: the shipped baseline's ruleset (as the
 * enforcer loads it, one command per line), and whole scripts of it changed one way each, are
 * loaded into scratch namespaces by the real {@link ProcessScratchNft} (root) and listed back; what differs must be named,
 * and what the kernel does not keep as policy (handles, counter values, element order) must not be.
 */
class TableDiffTest {

    static NftRuleset ruleset;
    static String script;
    static CanonicalTable expected;
    static String expectedListing;
    static final ScratchNft SCRATCH = ProcessScratchNft.standard();

    @BeforeAll
    static void baseline() {
        LocalDate today = LocalDate.now();
        ruleset = NftablesCompiler.compile(PolicyLoader.load(PolicyEnforcementNetnsTest.BASELINE, today).policyOrThrow(), today);
        script = ruleset.text();
        expectedListing = listing(ruleset.commands()); // as the enforcer loads it; the variants below are whole scripts
        expected = CanonicalTable.parse(expectedListing);
    }

    static String listing(String text) {
        NftCommand.Result r = SCRATCH.load(text);
        assertEquals(0, r.exitCode(), r.stderr());
        return r.stdout();
    }

    static List<String> diff(String changedScript) {
        String live = listing(changedScript);
        List<String> d = TableDiff.compare(expected, CanonicalTable.parse(live), ruleset, null).differences();
        // the enforcer's shortcut (the same text but for handles: nothing parsed) never hides a difference
        if (!d.isEmpty()) {
            assertFalse(ExpectedTables.sameIgnoringHandles(expectedListing, live), "the shortcut missed: " + d);
        }
        return d;
    }

    /**
     * What {@code apply} reads back after loading the whole script is, but for handles, the same
     * text as the scratch load of the same ruleset one command per line: the shortcut applies, and
     * no listing is parsed. Shifted handles still are the same table.
     */
    @Test
    void theReadBackOfTheSameRulesetIsTheSameTextButForHandles() {
        assertTrue(ExpectedTables.sameIgnoringHandles(expectedListing, listing(script)));
        String shifted = replaceOnce(script, "delete table inet egov\n", "delete table inet egov\ntable inet egov {\n\tset pad {\n\t\ttype ipv4_addr\n\t}\n}\n"
                + "delete set inet egov pad\n");
        String shiftedListing = listing(shifted);
        assertFalse(shiftedListing.equals(expectedListing), "the control: other handles");
        assertTrue(ExpectedTables.sameIgnoringHandles(expectedListing, shiftedListing));
        assertFalse(ExpectedTables.sameIgnoringHandles(expectedListing, expectedListing.replace("\"eth0\"", "\"eth7\"")));
        assertFalse(ExpectedTables.sameIgnoringHandles(expectedListing, expectedListing.substring(0, expectedListing.length() - 2)));
    }

    static String replaceOnce(String text, String from, String to) {
        int i = text.indexOf(from);
        assertTrue(i >= 0, "not in the script: " + from);
        return text.substring(0, i) + to + text.substring(i + from.length());
    }

    @Test
    void handlesCountersAndElementOrderAreNoDifference() {
        // elements in another order and counters that have counted: the same policy
        String same = replaceOnce(script, "elements = { \"eth0\", \"ipsec0\" }", "elements = { \"ipsec0\", \"eth0\" }")
                .replace("counter drop", "counter packets 7 bytes 420 drop");
        assertTrue(same.contains("packets 7"));
        assertEquals(List.of(), diff(same));
        // a padding set first shifts every handle
        String shifted = replaceOnce(script, "delete table inet egov\n", "delete table inet egov\ntable inet egov {\n\tset pad {\n\t\ttype ipv4_addr\n\t}\n}\n"
                + "delete set inet egov pad\n");
        assertEquals(List.of(), diff(shifted));
    }

    @Test
    void aRuleChangedInPlaceIsNamedWithBothTexts() {
        List<String> d = diff(replaceOnce(script, "oifname @if_internet_access jump fwd_external__internet_access",
                "jump fwd_external__internet_access"));
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).startsWith("chain fwd_from_external rule 1 (\"10-zones.policy:18 zone internet-access\") changed: "
                + "policy has 'oifname @if_internet_access jump fwd_external__internet_access', live has '"), d.get(0));
    }

    @Test
    void rulesAddedRemovedAndCommentsChangedAreNamed() {
        String added = replaceOnce(script, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n",
                "\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\taccept\n");
        List<String> a = diff(added);
        assertEquals(1, a.size(), a.toString());
        assertTrue(a.get(0).startsWith("chain forward: rule added at position 1: '"), a.get(0));
        assertTrue(a.get(0).endsWith("(no comment)"), a.get(0));

        String removed = script.replaceFirst("\t\tgoto drop_input comment \"base: default deny\"\n", "");
        List<String> r = diff(removed);
        assertEquals(List.of("chain input: rule 7 removed: 'goto drop_input' (\"base: default deny\")"), r);

        String recommented = replaceOnce(script, "goto drop_input comment \"base: default deny\"", "goto drop_input comment \"base\"");
        List<String> c = diff(recommented);
        assertEquals(1, c.size(), c.toString());
        assertTrue(c.get(0).contains("chain input rule 7 changed: policy has 'goto drop_input' (\"base: default deny\")"), c.get(0));
    }

    @Test
    void chainDeclarationsSetElementsAndTableFlagsAreCompared() {
        List<String> policy = diff(replaceOnce(script, "type filter hook forward priority filter; policy drop;",
                "type filter hook forward priority filter; policy accept;"));
        assertEquals(List.of("chain forward: policy changed from \"drop\" to \"accept\""), policy);

        List<String> prio = diff(replaceOnce(script, "type filter hook input priority filter; policy drop;",
                "type filter hook input priority 10; policy drop;"));
        assertEquals(List.of("chain input: priority changed from 0 to 10"), prio);

        List<String> element = diff(replaceOnce(script, "elements = { 10.200.0.0/16 }", "elements = { 10.201.0.0/16 }"));
        assertEquals(List.of("set net_backbone_v4: 1 element(s) missing: 10.200.0.0/16; 1 element(s) added: 10.201.0.0/16"), element);

        List<String> dormant = diff(replaceOnce(script, "table inet egov {\n", "table inet egov {\n\tflags dormant\n"));
        assertEquals(List.of("table inet egov: flags \"set\" added"), dormant);
    }

    /**
     * Where nft cannot enlarge its socket buffer (a user namespace: the box service's case) a large
     * ruleset in one transaction fails, so the scratch load goes in pieces: the table must come out
     * the same as from a plain network namespace, in one transaction.
     */
    @Test
    void aLargeRulesetLoadsInPiecesInAUserNamespaceToTheSameTable(@TempDir Path dir) throws IOException {
        try (Stream<Path> files = Files.list(PolicyEnforcementNetnsTest.BASELINE)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        StringBuilder zone = new StringBuilder("zone bulk\n    description \"4,000 prefixes\"\n");
        for (int i = 0; i < 4000; i++) {
            zone.append("    prefixes 10.").append(64 + (i >> 12)).append('.').append((i >> 4) & 0xff).append('.').append((i & 0xf) << 4)
                    .append("/28\n");
        }
        zone.append("\ninterface eth9\n    zone bulk\n");
        Files.writeString(dir.resolve("15-bulk.policy"), zone);
        LocalDate today = LocalDate.now();
        NftRuleset large = NftablesCompiler.compile(PolicyLoader.load(dir, today).policyOrThrow(), today);
        assertTrue(large.elementCount() > 4000);

        NftCommand.Result whole = new ProcessNft(List.of(ProcessScratchNft.USER_NET_NAMESPACE.split(" ")))
                .run(List.of("nft", "-f", "-"), large.text());
        assertFalse(whole.ok(), "the control: in one transaction a user namespace refuses it");
        assertTrue(whole.stderr().contains("Message too long"), whole.stderr());

        NftCommand.Result pieces = new ProcessScratchNft(List.of(ProcessScratchNft.USER_NET_NAMESPACE)).load(large.commands());
        assertEquals(0, pieces.exitCode(), pieces.stderr());
        NftCommand.Result plain = new ProcessScratchNft(List.of(ProcessScratchNft.NET_NAMESPACE)).load(large.commands());
        assertEquals(0, plain.exitCode(), plain.stderr());
        assertEquals(List.of(), TableDiff.compare(CanonicalTable.parse(plain.stdout()), CanonicalTable.parse(pieces.stdout()), large, null)
                .differences());
        assertEquals(large.elementCount(), CanonicalTable.parse(pieces.stdout()).sets().values().stream()
                .mapToInt(set -> set.elements().size()).sum(), "every element loaded");
    }

    @Test
    void aMissingTableOrAnotherPolicyIsNamed() {
        assertEquals(List.of("table inet egov is missing"), TableDiff.compare(expected, null, ruleset, null).differences());
        List<String> other = diff(script.replace(ruleset.sha256(), "f".repeat(64)));
        assertEquals(2, other.size(), other.toString());
        assertTrue(other.get(0).startsWith("table inet egov holds policy hebei-baseline " + ruleset.version() + " (ffffffffffff), not "),
                other.get(0));
        assertFalse(other.get(1).isEmpty());
    }
}
