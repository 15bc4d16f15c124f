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
