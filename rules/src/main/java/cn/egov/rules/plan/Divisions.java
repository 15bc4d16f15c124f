package cn.egov.rules.plan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Administrative divisions (GB/T 2260) of a province: code to name and parent. The province has
 * a 2-digit code, its prefecture-level cities 4 digits, their county-level divisions 6 digits;
 * the parent of a code is its prefix.
 *
 * <pre>{@code
 * Divisions hebei = Divisions.hebei();
 * hebei.name("130602");            // "竞秀区"
 * hebei.name("1306");              // "保定市"
 * hebei.parent("130602");          // Optional["1306"]
 * hebei.path("130602-001");        // "河北省 保定市 竞秀区" (a unit code works too)
 * hebei.counties("1306");          // the 24 county-level codes of Baoding
 * }</pre>
 *
 * <p>Hebei's data is the resource {@code hebei-divisions.txt} next to this class, one
 * {@code code<TAB>name[<TAB>note]} per line; see {@code rules/README.md}.
 */
public final class Divisions {

    private static final Pattern CODE = Pattern.compile("\\d{2}|\\d{4}|\\d{6}");
    private static volatile Divisions hebei;

    private final Map<String, Division> byCode;

    /**
     * One division.
     *
     * @param code GB/T 2260 code in short form: 2 (province), 4 (city) or 6 (county) digits
     * @param name official Chinese name, e.g. {@code 保定市}
     * @param note free text, e.g. a former name; empty when none
     */
    public record Division(String code, String name, String note) {
        /** 1 = province, 2 = prefecture-level city, 3 = county-level division. */
        public int level() {
            return code.length() / 2;
        }

        /** The parent's code, or empty for the province. */
        public Optional<String> parentCode() {
            return code.length() == 2 ? Optional.empty() : Optional.of(code.substring(0, code.length() - 2));
        }
    }

    private Divisions(Map<String, Division> byCode) {
        this.byCode = Collections.unmodifiableMap(byCode);
    }

    /** Hebei's 11 prefecture-level cities and their county-level divisions (loaded once). */
    public static Divisions hebei() {
        Divisions d = hebei;
        if (d == null) {
            synchronized (Divisions.class) {
                if (hebei == null) {
                    try (InputStream in = resource("hebei-divisions.txt")) {
                        if (in == null) {
                            throw new IllegalStateException("resource hebei-divisions.txt missing from the rules jar");
                        }
                        hebei = parse("hebei-divisions.txt", new InputStreamReader(in, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                d = hebei;
            }
        }
        return d;
    }

    /**
     * A resource of this package, read from this class's own jar when it was loaded from one: the
     * class path's lookup opens every jar before it (26 in the box's command line, ~4,000 entries of
     * Bouncy Castle's alone) before the first packet of {@code appliance audit} (bench/RESULTS.md,
     * "start-up"). Elsewhere (classes directory, an OSGi bundle) the class's own loader.
     */
    private static InputStream resource(String name) throws IOException {
        java.security.CodeSource source = Divisions.class.getProtectionDomain().getCodeSource();
        java.net.URL jar = source == null ? null : source.getLocation();
        if (jar != null && "file".equals(jar.getProtocol()) && jar.getPath().endsWith(".jar")) {
            String entry = Divisions.class.getPackageName().replace('.', '/') + "/" + name;
            try {
                return new java.net.URL("jar:" + jar + "!/" + entry).openStream();
            } catch (java.io.FileNotFoundException e) {
                // not in that jar: the class loader's lookup says whether it is anywhere
            }
        }
        return Divisions.class.getResourceAsStream(name);
    }

    /**
     * Reads a division list; blank lines and {@code #} comments are skipped.
     *
     * @throws IllegalArgumentException naming file and line for a malformed or duplicate code, or
     *                                  a code whose parent is not listed before it
     */
    public static Divisions parse(String fileName, Reader reader) throws IOException {
        Map<String, Division> map = new LinkedHashMap<>();
        BufferedReader in = new BufferedReader(reader);
        String line;
        int no = 0;
        while ((line = in.readLine()) != null) {
            no++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", 3);
            String where = fileName + ":" + no + ": ";
            if (f.length < 2 || f[1].isBlank()) {
                throw new IllegalArgumentException(where + "expected code<TAB>name[<TAB>note]");
            }
            String code = f[0].strip();
            if (!CODE.matcher(code).matches()) {
                throw new IllegalArgumentException(where + "code '" + code + "' must have 2, 4 or 6 digits");
            }
            Division div = new Division(code, f[1].strip(), f.length > 2 ? f[2].strip() : "");
            if (map.containsKey(code)) {
                throw new IllegalArgumentException(where + "code " + code + " listed twice");
            }
            if (div.parentCode().isPresent() && !map.containsKey(div.parentCode().get())) {
                throw new IllegalArgumentException(where + "parent " + div.parentCode().get() + " of " + code
                        + " is not listed before it");
            }
            map.put(code, div);
        }
        return new Divisions(map);
    }

    /**
     * The division for a code; accepts the short form ({@code 1306}), the 6-digit form with
     * trailing zeros ({@code 130600}) or a unit code ({@code 130602-001}).
     */
    public Optional<Division> find(String code) {
        return Optional.ofNullable(byCode.get(normalise(code)));
    }

    /** The Chinese name, or the code itself when unknown (so a display never breaks). */
    public String name(String code) {
        return find(code).map(Division::name).orElse(code);
    }

    /** True when the code names a listed division. */
    public boolean contains(String code) {
        return find(code).isPresent();
    }

    /** The parent's code (county → city → province), empty for the province or an unknown code. */
    public Optional<String> parent(String code) {
        return find(code).flatMap(Division::parentCode);
    }

    /** Names from the province down, space separated, e.g. {@code 河北省 保定市 竞秀区}. */
    public String path(String code) {
        List<String> names = new ArrayList<>();
        Optional<Division> d = find(code);
        while (d.isPresent()) {
            names.add(0, d.get().name());
            d = d.get().parentCode().flatMap(this::find);
        }
        return names.isEmpty() ? code : String.join(" ", names);
    }

    /** Prefecture-level cities, in code order. */
    public List<Division> cities() {
        return byCode.values().stream().filter(d -> d.level() == 2).sorted(java.util.Comparator.comparing(Division::code)).toList();
    }

    /** County-level divisions of one city (4-digit code), in code order. */
    public List<Division> counties(String cityCode) {
        String city = normalise(cityCode);
        return byCode.values().stream()
                .filter(d -> d.level() == 3 && d.code().startsWith(city))
                .sorted(java.util.Comparator.comparing(Division::code)).toList();
    }

    /** Every division, in file order. */
    public List<Division> all() {
        return List.copyOf(byCode.values());
    }

    private static String normalise(String code) {
        if (code == null) {
            return "";
        }
        String c = code.strip();
        int dash = c.indexOf('-');
        if (dash > 0) {
            c = c.substring(0, dash);
        }
        // GB/T 2260 writes cities and provinces with trailing zeros: 130600, 130000
        while (c.length() > 2 && c.length() % 2 == 0 && c.endsWith("00")) {
            c = c.substring(0, c.length() - 2);
        }
        return c;
    }
}
