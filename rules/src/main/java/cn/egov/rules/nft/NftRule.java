package cn.egov.rules.nft;

import java.util.List;

/**
 * One rule: match expressions, a verdict (or statement) and the comment that traces it to the
 * policy ({@code file:line what}).
 */
public record NftRule(List<String> matches, String verdict, String comment) {
    public NftRule {
        matches = List.copyOf(matches);
    }
}
