package cn.egov.isolation.enforce;

import cn.egov.rules.nft.NftNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live table's rules as {@code nft -a -t list table inet egov} prints them, by handle, without
 * their comments: how a drift line shows a rule someone changed ("live has 'jump fwd_x'"). Read
 * only when a rule differs; the comparison itself is on the JSON listing.
 */
final class LiveRuleText {

    private static final Pattern RULE = Pattern.compile("^\\s*(.*?)\\s*# handle (\\d+)$");

    private LiveRuleText() {
    }

    /** Reads the listing once, at the first call; unknown handles (or a failed listing) give null. */
    static LongFunction<String> lazy(NftCommand nft) {
        java.util.concurrent.atomic.AtomicReference<Map<Long, String>> texts = new java.util.concurrent.atomic.AtomicReference<>();
        return handle -> texts.updateAndGet(t -> t != null ? t : read(nft)).get(handle);
    }

    private static Map<Long, String> read(NftCommand nft) {
        NftCommand.Result r = nft.run(List.of("-a", "-t", "list", "table", NftNames.FAMILY, NftNames.TABLE), null);
        return r.ok() ? parse(r.stdout()) : Map.of();
    }

    static Map<Long, String> parse(String listing) {
        Map<Long, String> out = new HashMap<>();
        for (String line : listing.split("\n")) {
            Matcher m = RULE.matcher(line);
            if (!m.matches() || m.group(1).endsWith("{")) {
                continue; // a table, chain or set header
            }
            String text = m.group(1);
            int comment = text.lastIndexOf(" comment \"");
            if (comment >= 0) {
                text = text.substring(0, comment);
            }
            // rule text set by whoever changed the table: no control characters into alarms and terminals
            out.put(Long.parseLong(m.group(2)), text.replaceAll("\\p{Cntrl}", "?").strip());
        }
        return out;
    }
}
