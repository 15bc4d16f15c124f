package cn.egov.isolation.enforce;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.lab.NetLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every expected ruleset of the compiler's golden files is accepted by this kernel's nft, both
 * checked ({@code nft -c}) and applied twice in a row (the second apply replaces the first in one
 * transaction), inside a throw-away namespace.
 */
class GoldenRulesetsPassNftCheckTest {

    static final Path GOLDEN = Path.of("../../rules/src/test/resources/golden-policy");

    @Test
    void everyGoldenRulesetPassesNftCheckAndApplies() throws IOException {
        List<Path> rulesets;
        try (Stream<Path> s = Files.walk(GOLDEN)) {
            rulesets = s.filter(p -> p.getFileName().toString().equals("expected.nft")).sorted().toList();
        }
        assertFalse(rulesets.isEmpty());
        try (NetLab lab = NetLab.create("polc")) {
            String ns = lab.host("nft");
            ProcessNft nft = ProcessNft.inNamespace(ns);
            for (Path p : rulesets) {
                String text = Files.readString(p).replace("<sha256>", "0".repeat(64));
                NftCommand.Result check = nft.run(List.of("-c", "-f", "-"), text);
                assertTrue(check.ok(), p + ": " + check.stderr());
                for (int i = 0; i < 2; i++) {
                    NftCommand.Result apply = nft.run(List.of("-f", "-"), text);
                    assertTrue(apply.ok(), p + " apply " + i + ": " + apply.stderr());
                }
            }
        }
    }
}
