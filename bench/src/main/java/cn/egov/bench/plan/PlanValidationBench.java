package cn.egov.bench.plan;

import cn.egov.rules.plan.Divisions;
import cn.egov.rules.plan.IpPrefix;
import cn.egov.rules.plan.PlanFinding;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.plan.PlanValidator;
import cn.egov.rules.plan.PlanWhois;
import cn.egov.rules.plan.PrefixIndex;
import cn.egov.rules.plan.PlanEntry;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Load driver for the address plan (issue 4): validates a generated plan of 100,000 allocations
 * (11 cities, 167 counties, ~600 units per county, every 10th unit with a declared label and a
 * domain name) and measures whois lookups. Same-run baselines: reading and splitting the lines
 * without building anything (parse baseline), and parsing the query text alone (lookup baseline).
 *
 * <pre>
 * java -cp rules/target-x/classes:bench/target-x/classes cn.egov.bench.plan.PlanValidationBench [allocations]
 * </pre>
 */
public final class PlanValidationBench {

    private static final int WARMUP = 10;
    private static final int RUNS = 11;
    private static final int LOOKUPS = 1_000_000;

    public static void main(String[] args) throws Exception {
        int target = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Map<String, String> files = generate(target);
        String text = files.get("bench.plan");
        long lines = text.chars().filter(c -> c == '\n').count();

        PlanParser parser = PlanParser.forHebei();
        // cold: what one 'manager plan check' run sees in a fresh JVM (no JIT warm-up)
        long c0 = System.nanoTime();
        PlanParser.Result r = parser.parse(files);
        long c1 = System.nanoTime();
        List<PlanFinding> findings = new PlanValidator().validate(r.plan());
        long c2 = System.nanoTime();
        System.out.printf("cold (first run in this JVM): parse %.1f ms, validate %.1f ms%n", (c1 - c0) / 1e6, (c2 - c1) / 1e6);
        long errors = findings.stream().filter(f -> f.severity() == PlanFinding.Severity.ERROR).count() + r.findings().size();
        System.out.printf("plan: %d lines, %d allocations, %d domains, %d units; %d errors, %d warnings%n", lines,
                r.plan().allocations().size(), r.plan().domains().size(), r.plan().units().size(), errors, findings.size() - errors);
        if (errors > 0) {
            findings.stream().limit(5).forEach(System.out::println);
            throw new IllegalStateException("generated plan must be clean");
        }

        double split = time("baseline: read + split lines", () -> splitOnly(text));
        double parse = time("parse (PlanParser)", () -> parser.parse(files).plan().allocations().size());
        PlanParser.Result parsed = parser.parse(files);
        double validate = time("validate (PlanValidator)", () -> new PlanValidator().validate(parsed.plan()).size());
        double both = time("parse + validate (manager plan check)", () -> new PlanValidator().validate(parser.parse(files).plan()).size());
        System.out.printf("summary ms (median of %d after %d warm-up runs): split %.1f, parse %.1f, validate %.1f, parse+validate %.1f; validate/split %.2f%n", RUNS, WARMUP, split, parse, validate, both, validate / split);

        // lookups: random addresses inside the internal aggregate
        PlanWhois whois = new PlanWhois(parsed.plan(), Divisions.hebei());
        PrefixIndex<PlanEntry> index = whois.index();
        Random rnd = new Random(7);
        int[] addrs = new int[LOOKUPS];
        String[] texts = new String[LOOKUPS / 10];
        for (int i = 0; i < LOOKUPS; i++) {
            addrs[i] = (10 << 24) | rnd.nextInt(1 << 24);
        }
        for (int i = 0; i < texts.length; i++) {
            texts[i] = IpPrefix.parseLenient(((addrs[i] >>> 24) & 255) + "." + ((addrs[i] >>> 16) & 255) + "." + ((addrs[i] >>> 8) & 255) + "." + (addrs[i] & 255)).addressText();
        }
        rate("index.containsIPv4(int)", LOOKUPS, () -> {
            int hits = 0;
            for (int a : addrs) {
                hits += index.containsIPv4(a) ? 1 : 0;
            }
            return hits;
        });
        rate("index.mostSpecific(IpPrefix)", LOOKUPS, () -> {
            int hits = 0;
            for (int a : addrs) {
                hits += index.mostSpecific(new IpPrefix(false, 0, a & 0xffffffffL, 32)).isPresent() ? 1 : 0;
            }
            return hits;
        });
        rate("baseline: IpPrefix.address(text) only", texts.length, () -> {
            int n = 0;
            for (String t : texts) {
                n += IpPrefix.address(t).length();
            }
            return n;
        });
        rate("whois.ask(text) (parse + lookup + owner name)", texts.length, () -> {
            int n = 0;
            for (String t : texts) {
                n += whois.ask(t).found() ? 1 : 0;
            }
            return n;
        });
    }

    interface Work {
        long run() throws Exception;
    }

    private static long sink;

    private static double time(String what, Work w) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            sink += w.run();
        }
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            sink += w.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%-45s median %8.1f ms  min %8.1f ms  max %8.1f ms%n", what, ms[RUNS / 2], ms[0], ms[RUNS - 1]);
        return ms[RUNS / 2];
    }

    private static void rate(String what, int n, Work w) throws Exception {
        double ms = time(what, w);
        System.out.printf("%-45s %,.0f lookups/s%n", "", n / (ms / 1000));
    }

    private static long splitOnly(String text) throws Exception {
        BufferedReader in = new BufferedReader(new StringReader(text), 1 << 16);
        long words = 0;
        String line;
        while ((line = in.readLine()) != null) {
            words += line.strip().split("\\s+").length;
        }
        return words;
    }

    /** A clean plan: cities /12, counties /17, units /28 in 10.0.0.0/8; every 10th unit named. */
    public static Map<String, String> generate(int target) {
        Divisions hebei = Divisions.hebei();
        List<Divisions.Division> cities = hebei.cities();
        int counties = cities.stream().mapToInt(c -> hebei.counties(c.code()).size()).sum();
        int units = target - cities.size() - counties;
        StringBuilder b = new StringBuilder(target * 48);
        b.append("option internal-suffix hebei.egov\naggregate internal 10.0.0.0/8\nplace 13 hebei\n");
        int countyIndex = 0;
        for (int ci = 0; ci < cities.size(); ci++) {
            Divisions.Division city = cities.get(ci);
            int cityBase = (10 << 24) | ((16 * (ci + 1)) << 16);
            b.append("place ").append(city.code()).append(" c").append(city.code()).append('\n');
            b.append("alloc ").append(city.code()).append(" internal ").append(v4(cityBase)).append("/12\n");
            List<Divisions.Division> cs = hebei.counties(city.code());
            for (int k = 0; k < cs.size(); k++) {
                String county = cs.get(k).code();
                int countyBase = cityBase + (k << 15);
                b.append("place ").append(county).append(" x").append(county).append('\n');
                b.append("alloc ").append(county).append(" internal ").append(v4(countyBase)).append("/17\n");
                int here = units / counties + (countyIndex < units % counties ? 1 : 0);
                countyIndex++;
                for (int d = 1; d <= here; d++) {
                    String unit = county + "-" + String.format("%03d", d);
                    b.append("alloc ").append(unit).append(" internal ").append(v4(countyBase + (d << 4))).append("/28\n");
                    if (d % 10 == 0) {
                        b.append("unit ").append(unit).append(" d").append(d).append(" 单位").append(d).append('\n');
                        b.append("domain ").append(unit).append(" d").append(d).append(".x").append(county).append(".gov.cn\n");
                    }
                }
            }
        }
        return Map.of("bench.plan", b.toString());
    }

    private static String v4(int a) {
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }
}
