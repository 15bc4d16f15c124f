package cn.egov.rules.nft;

/**
 * Writes a {@link NftRuleset} as an {@code nft -f} script. It decides nothing: every name,
 * match and comment comes from the compiled model. The script declares our table, deletes it and
 * declares it again, so that one transaction replaces exactly our table and leaves every other
 * table (Docker, Kura, the operator's) alone.
 */
public final class NftRenderer {

    /** Elements per line, so that a 10,000-prefix set stays a readable file. */
    private static final int ELEMENTS_PER_LINE = 8;
    /** Elements per {@code add element} command of {@link #commands}: one line stays a few kilobytes. */
    static final int ELEMENTS_PER_COMMAND = 256;

    private NftRenderer() {
    }

    public static String render(NftRuleset r) {
        StringBuilder sb = new StringBuilder(4096 + r.elementCount() * 24);
        String table = NftNames.FAMILY + " " + NftNames.TABLE;
        sb.append("# generated from policy ").append(r.policyName()).append(' ').append(r.version())
                .append(" sha256 ").append(r.sha256()).append("; do not edit\n");
        sb.append("table ").append(table).append('\n');
        sb.append("delete table ").append(table).append('\n');
        sb.append("table ").append(table).append(" {\n");
        for (NftSet s : r.sets()) {
            set(sb, s);
        }
        for (NftChain c : r.chains()) {
            chain(sb, c);
        }
        sb.append("}\n");
        return sb.toString();
    }

    /**
     * The same table as {@link #render}, one {@code nft} command per line (no element list longer
     * than {@link #ELEMENTS_PER_COMMAND}), so that it can be loaded in pieces: where nft cannot
     * enlarge its netlink socket buffer (a process without CAP_NET_ADMIN in the initial user
     * namespace, as in the scratch namespace the live table is compared with), a large ruleset in
     * one transaction fails with "Message too long". Order: table, sets, elements, chains, rules.
     * Not a replacement for {@link #render}: the live table is always replaced in one transaction.
     */
    public static String commands(NftRuleset r) {
        StringBuilder sb = new StringBuilder(4096 + r.elementCount() * 24);
        String table = NftNames.FAMILY + " " + NftNames.TABLE;
        sb.append("add table ").append(table).append('\n');
        for (NftSet s : r.sets()) {
            sb.append("add set ").append(table).append(' ').append(s.name()).append(" { type ").append(s.type()).append("; ");
            if (s.dynamic()) {
                sb.append("flags dynamic,timeout; timeout ").append(NftablesCompiler.DENIAL_MEMORY_SECONDS).append("s; size ")
                        .append(NftablesCompiler.DENIAL_SET_SIZE).append("; counter; ");
            } else if (s.interval()) {
                sb.append("flags interval; ");
            }
            sb.append("comment ").append(quote(s.comment())).append("; }\n");
        }
        for (NftSet s : r.sets()) {
            for (int i = 0; i < s.elements().size(); i += ELEMENTS_PER_COMMAND) {
                sb.append("add element ").append(table).append(' ').append(s.name()).append(" { ")
                        .append(String.join(", ", s.elements().subList(i, Math.min(s.elements().size(), i + ELEMENTS_PER_COMMAND))))
                        .append(" }\n");
            }
        }
        for (NftChain c : r.chains()) {
            sb.append("add chain ").append(table).append(' ').append(c.name());
            if (c.isBase()) {
                sb.append(" { type filter hook ").append(c.hook()).append(" priority filter; policy ").append(c.policy()).append("; }");
            }
            sb.append('\n');
        }
        for (NftChain c : r.chains()) {
            for (NftRule rule : c.rules()) {
                sb.append("add rule ").append(table).append(' ').append(c.name()).append(' ');
                for (String m : rule.matches()) {
                    sb.append(m).append(' ');
                }
                sb.append(rule.verdict()).append(" comment ").append(quote(rule.comment())).append('\n');
            }
        }
        return sb.toString();
    }

    private static void set(StringBuilder sb, NftSet s) {
        sb.append("\tset ").append(s.name()).append(" {\n");
        sb.append("\t\ttype ").append(s.type()).append('\n');
        if (s.dynamic()) {
            sb.append("\t\tflags dynamic,timeout\n\t\ttimeout ").append(NftablesCompiler.DENIAL_MEMORY_SECONDS).append("s\n")
                    .append("\t\tsize ").append(NftablesCompiler.DENIAL_SET_SIZE).append("\n\t\tcounter\n");
        } else if (s.interval()) {
            sb.append("\t\tflags interval\n");
        }
        sb.append("\t\tcomment ").append(quote(s.comment())).append('\n');
        if (!s.elements().isEmpty()) {
            sb.append("\t\telements = { ");
            for (int i = 0; i < s.elements().size(); i++) {
                if (i > 0) {
                    sb.append(i % ELEMENTS_PER_LINE == 0 ? ",\n\t\t\t" : ", ");
                }
                sb.append(s.elements().get(i));
            }
            sb.append(" }\n");
        }
        sb.append("\t}\n\n");
    }

    private static void chain(StringBuilder sb, NftChain c) {
        sb.append("\tchain ").append(c.name()).append(" {\n");
        if (c.isBase()) {
            sb.append("\t\ttype filter hook ").append(c.hook()).append(" priority filter; policy ").append(c.policy()).append(";\n");
        }
        for (NftRule rule : c.rules()) {
            sb.append("\t\t");
            for (String m : rule.matches()) {
                sb.append(m).append(' ');
            }
            sb.append(rule.verdict()).append(" comment ").append(quote(rule.comment())).append('\n');
        }
        sb.append("\t}\n\n");
    }

    static String quote(String s) {
        return '"' + s.replace("\\", "").replace("\"", "'") + '"';
    }
}
