package cn.egov.rules.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads plan files (format in {@code rules/README.md}) into an {@link AddressPlan}. Every line
 * that does not parse becomes a {@link PlanFinding.Kind#SYNTAX} finding naming file and line;
 * parsing goes on so that one run reports every bad line. A plan with syntax findings must not be
 * used: {@link Result#ok()} says whether it may.
 *
 * <pre>{@code
 * PlanParser.Result r = PlanParser.forHebei().parse(Path.of("rules/plan"));
 * r.findings().forEach(System.out::println);   // rules/plan/hebei.plan:12: error [syntax] ...
 * AddressPlan plan = r.plan();
 * }</pre>
 */
public final class PlanParser {

    /** Plan files in a directory end with this. */
    public static final String EXTENSION = ".plan";

    private static final Set<String> OPTIONS = Set.of("public-suffix", "internal-suffix");

    private final Divisions divisions;

    /**
     * @param divisions the province's divisions, to reject owners that do not exist; null to accept
     *                  any well-formed code
     */
    public PlanParser(Divisions divisions) {
        this.divisions = divisions;
    }

    /** A parser that checks owners against Hebei's divisions. */
    public static PlanParser forHebei() {
        return new PlanParser(Divisions.hebei());
    }

    /**
     * The parsed plan and what was wrong with its lines.
     *
     * @param plan     every line that parsed
     * @param findings syntax findings, in file order
     */
    public record Result(AddressPlan plan, List<PlanFinding> findings) {
        public boolean ok() {
            return findings.stream().noneMatch(f -> f.severity() == PlanFinding.Severity.ERROR);
        }
    }

    /** Parses a file, or every {@code *.plan} file of a directory in name order. */
    public Result parse(Path fileOrDirectory) throws IOException {
        List<Path> files;
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> s = Files.list(fileOrDirectory)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(EXTENSION)).sorted().toList();
            }
            if (files.isEmpty()) {
                throw new IOException("no " + EXTENSION + " files in " + fileOrDirectory);
            }
        } else {
            files = List.of(fileOrDirectory);
        }
        Builder b = new Builder();
        for (Path f : files) {
            b.read(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
        }
        return b.result();
    }

    /** Parses named texts (file name → content), in the given order. */
    public Result parse(Map<String, String> texts) {
        Builder b = new Builder();
        texts.forEach(b::read);
        return b.result();
    }

    /** Parses one text. */
    public Result parse(String fileName, String text) {
        return parse(Map.of(fileName, text));
    }

    private final class Builder {
        final List<Aggregate> aggregates = new ArrayList<>();
        final List<Allocation> allocations = new ArrayList<>();
        final List<ReservedRange> reserved = new ArrayList<>();
        final Map<String, PlaceLabel> places = new LinkedHashMap<>();
        final Map<String, PlanUnit> units = new LinkedHashMap<>();
        final List<DomainEntry> domains = new ArrayList<>();
        final Map<String, String> options = new LinkedHashMap<>();
        final List<PlanFinding> findings = new ArrayList<>();

        /**
         * One pass over the text: lines end at \n, \r or \r\n (as {@link java.io.BufferedReader#readLine}),
         * a '#' starts a comment, words are separated by whitespace. No copy of a line is made, only
         * of its words: a plan of 100,000 allocations is read in a command's cold code
         * ({@code manager plan check}, bench/RESULTS.md "Start-up"). The characters are copied into an
         * array once: a plan with any non-Latin-1 character (a unit's name) is a UTF-16 string, whose
         * {@code charAt} in cold code is a bounds-checked call per character.
         */
        void read(String file, String text) {
            char[] cs = text.toCharArray();
            List<String> words = new ArrayList<>(8);
            int n = cs.length;
            int i = 0;
            int no = 0;
            while (i < n) {
                no++;
                words.clear();
                boolean comment = false;
                while (i < n) {
                    char c = cs[i];
                    if (c == '\n' || c == '\r') {
                        break;
                    }
                    if (comment || space(c)) {
                        i++;
                    } else if (c == '#') {
                        comment = true;
                        i++;
                    } else {
                        int start = i;
                        while (i < n && (c = cs[i]) != '#' && !space(c)) {
                            i++;
                        }
                        words.add(new String(cs, start, i - start));
                    }
                }
                if (i < n) {
                    i += cs[i] == '\r' && i + 1 < n && cs[i + 1] == '\n' ? 2 : 1;
                }
                if (words.isEmpty()) {
                    continue;
                }
                SourceRef at = new SourceRef(file, no);
                try {
                    directive(words, at);
                } catch (IllegalArgumentException e) {
                    findings.add(new PlanFinding(PlanFinding.Kind.SYNTAX, PlanFinding.Severity.ERROR, at, e.getMessage()));
                }
            }
        }

        void directive(List<String> w, SourceRef at) {
            String d = w.get(0);
            switch (d) {
                case "option" -> {
                    need(w, 3, "option <key> <value>");
                    if (!OPTIONS.contains(w.get(1))) {
                        throw new IllegalArgumentException("unknown option '" + w.get(1) + "'; known: " + OPTIONS);
                    }
                    options.put(w.get(1), w.get(2).toLowerCase(java.util.Locale.ROOT));
                }
                case "aggregate" -> {
                    need(w, 3, "aggregate <zone> <prefix> [description]");
                    aggregates.add(new Aggregate(Zone.parse(w.get(1)), prefix(w.get(2)), rest(w, 3), at));
                }
                case "reserved" -> {
                    need(w, 2, "reserved <prefix> [reason]");
                    reserved.add(new ReservedRange(prefix(w.get(1)), rest(w, 2), at));
                }
                case "alloc" -> {
                    need(w, 4, "alloc <owner> <zone> <prefix> [note]");
                    allocations.add(new Allocation(owner(w.get(1)), Zone.parse(w.get(2)), prefix(w.get(3)), rest(w, 4), at));
                }
                case "place" -> {
                    need(w, 3, "place <division-code> <label>");
                    Owner o = owner(w.get(1));
                    if (o.isUnit()) {
                        throw new IllegalArgumentException("place needs a division code (13, 1306, 130602), got unit " + o);
                    }
                    PlaceLabel old = places.putIfAbsent(o.code(), new PlaceLabel(o.code(), w.get(2).toLowerCase(java.util.Locale.ROOT), at));
                    if (old != null) {
                        throw new IllegalArgumentException("place of " + o + " already given at " + old.source());
                    }
                }
                case "unit" -> {
                    need(w, 3, "unit <unit-code> <label|-> [name]");
                    Owner o = owner(w.get(1));
                    if (!o.isUnit()) {
                        throw new IllegalArgumentException("unit needs a unit code (130602-001), got " + o);
                    }
                    String label = "-".equals(w.get(2)) ? "" : w.get(2).toLowerCase(java.util.Locale.ROOT);
                    PlanUnit old = units.putIfAbsent(o.code(), new PlanUnit(o, label, rest(w, 3), at));
                    if (old != null) {
                        throw new IllegalArgumentException("unit " + o + " already declared at " + old.source());
                    }
                }
                case "domain" -> {
                    need(w, 3, "domain <owner> <name>");
                    String name = w.get(2);
                    if (name.endsWith(".")) {
                        name = name.substring(0, name.length() - 1);
                    }
                    domains.add(new DomainEntry(owner(w.get(1)), name, at));
                }
                default -> throw new IllegalArgumentException("unknown directive '" + d
                        + "'; expected option, aggregate, reserved, alloc, place, unit or domain");
            }
        }

        Owner owner(String code) {
            Owner o = new Owner(code);
            if (divisions != null && !divisions.contains(o.division())) {
                throw new IllegalArgumentException("division " + o.division() + " of '" + code
                        + "' is not a known GB/T 2260 code");
            }
            return o;
        }

        Result result() {
            AddressPlan plan = new AddressPlan(aggregates, allocations, reserved, places, units, domains, options);
            return new Result(plan, List.copyOf(findings));
        }
    }

    /** {@link Character#isWhitespace}, without the call for printable ASCII (none of which is whitespace). */
    private static boolean space(char c) {
        return (c <= ' ' || c >= 0x80) && Character.isWhitespace(c);
    }

    private static IpPrefix prefix(String text) {
        if (text.indexOf('/') < 0) {
            throw new IllegalArgumentException("'" + text + "' needs a /length");
        }
        return IpPrefix.parse(text);
    }

    private static void need(List<String> w, int n, String form) {
        if (w.size() < n) {
            throw new IllegalArgumentException("too few fields; expected: " + form);
        }
    }

    private static String rest(List<String> w, int from) {
        return from >= w.size() ? "" : String.join(" ", w.subList(from, w.size()));
    }
}
