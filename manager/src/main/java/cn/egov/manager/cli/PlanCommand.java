package cn.egov.manager.cli;

import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.plan.PlanJson;
import cn.egov.manager.plan.PlanReportReader;
import cn.egov.manager.plan.PlanService;
import cn.egov.manager.plan.PlanStore;
import cn.egov.manager.plan.UnitProgress;
import cn.egov.manager.store.Database;
import cn.egov.manager.web.Json;
import cn.egov.rules.plan.Divisions;
import cn.egov.rules.plan.PlanFinding;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.plan.PlanValidator;
import cn.egov.rules.plan.PlanWhois;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code manager plan check FILE...}, {@code manager plan whois ADDRESS|PREFIX|NAME} and
 * {@code manager plan remediation --config FILE}. Exit codes: 0 clean (or found), 1 findings (or
 * not found), 2 bad input.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "The province's address and domain plan: validate it, ask who owns an address or name, list units to rework.",
        exitCodeListHeading = CliErrors.HEADING,
        exitCodeList = {" 0:clean (check, remediation) or found (whois)", " 1:findings (check, remediation) or not found (whois)",
                " 2:bad input: unreadable plan, configuration or query"})
public final class PlanCommand {

    static final int CLEAN = 0;
    static final int FINDINGS = 1;
    static final int BAD_INPUT = 2;

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate plan files or directories (overlaps, parents, foreign space, reserved, domains, unused space).",
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:no errors (no warnings either with --strict)", " 1:findings", " 2:unreadable files or no *.plan file"})
    int check(@Parameters(arity = "1..*", paramLabel = "FILE", description = "Plan files or directories of *.plan files, read together") List<Path> paths,
              @Option(names = "--json", description = "Print JSON") boolean json,
              @Option(names = "--strict", description = "Count warnings (unused space) as findings too") boolean strict) {
        Map<String, String> texts = new LinkedHashMap<>();
        try {
            for (Path p : paths) {
                if (Files.isDirectory(p)) {
                    try (var s = Files.list(p)) {
                        for (Path f : s.filter(x -> x.toString().endsWith(PlanParser.EXTENSION)).sorted().toList()) {
                            texts.put(f.toString(), Files.readString(f));
                        }
                    }
                } else {
                    texts.put(p.toString(), Files.readString(p));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("cannot read plan: " + e.getMessage());
            return BAD_INPUT;
        }
        if (texts.isEmpty()) {
            System.err.println("no " + PlanParser.EXTENSION + " files in " + paths);
            return BAD_INPUT;
        }
        PlanParser.Result r = PlanParser.forHebei().parse(texts);
        List<PlanFinding> all = new ArrayList<>(r.findings());
        all.addAll(new PlanValidator().validate(r.plan()));
        long errors = all.stream().filter(f -> f.severity() == PlanFinding.Severity.ERROR).count();
        long warnings = all.size() - errors;
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("files", texts.keySet());
            out.put("allocations", r.plan().allocations().size());
            out.put("errors", errors);
            out.put("warnings", warnings);
            out.put("findings", all.stream().map(f -> Map.of("kind", f.kindLabel(), "severity", f.severity().name(),
                    "file", f.source().file(), "line", f.source().line(), "message", f.message())).toList());
            print(out);
        } else {
            all.forEach(System.out::println);
            System.out.printf("%d file(s), %d allocation(s), %d domain name(s): %d error(s), %d warning(s)%n",
                    texts.size(), r.plan().allocations().size(), r.plan().domains().size(), errors, warnings);
        }
        return errors > 0 || strict && warnings > 0 ? FINDINGS : CLEAN;
    }

    @Command(name = "whois", mixinStandardHelpOptions = true, description = "Who owns this address, prefix or domain name?",
            exitCodeListHeading = CliErrors.HEADING, exitCodeList = {" 0:found", " 1:nobody holds it", " 2:unreadable plan or query"})
    int whois(@Parameters(paramLabel = "ADDRESS|PREFIX|NAME") String query,
              @Option(names = "--plan", paramLabel = "PATH", defaultValue = "${EGOV_PLAN:-rules/plan}",
                      description = "Plan file or directory (default: $EGOV_PLAN or ${DEFAULT-VALUE})") Path plan,
              @Option(names = "--json", description = "Print JSON") boolean json) {
        PlanParser.Result r;
        try {
            r = PlanParser.forHebei().parse(plan);
        } catch (IOException e) {
            System.err.println("cannot read plan " + plan + ": " + e.getMessage());
            return BAD_INPUT;
        }
        if (!r.ok()) {
            System.err.println("plan " + plan + " has errors; run 'manager plan check " + plan + "'");
            return BAD_INPUT;
        }
        PlanWhois.Answer a;
        try {
            a = new PlanWhois(r.plan(), Divisions.hebei()).ask(query);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return BAD_INPUT;
        }
        if (json) {
            print(PlanJson.answer(a));
        } else if (!a.found()) {
            System.out.println(query + ": not in the plan");
        } else {
            System.out.println("query:   " + a.query() + " (" + a.kind().name().toLowerCase() + ")");
            System.out.println("owner:   " + (a.owner() == null ? "(none: aggregate or reserved range)" : a.owner() + " " + a.ownerName()));
            System.out.println("entry:   " + a.matched() + (a.source() == null ? "" : "   [" + a.source() + "]"));
            a.chain().forEach(c -> System.out.println("inside:  " + c));
            a.within().forEach(w -> System.out.println("holds:   " + w));
        }
        return a.found() ? CLEAN : FINDINGS;
    }

    @Command(name = "remediation", mixinStandardHelpOptions = true,
            description = "Units whose networks are not built to plan, from the boxes' reports in the manager's store.",
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:no unit has open findings", " 1:some unit has open findings", " 2:bad configuration (one line names it)"})
    int remediation(@Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The manager's configuration file.") Path config,
                    @Option(names = "--json", description = "Print JSON") boolean json) throws Exception {
        ManagerConfig cfg = ConfigParts.load(config);
        try (Database db = Database.open(cfg.jdbcUrl(), cfg.get(ConfigKey.DB_USER), cfg.get(ConfigKey.DB_PASSWORD))) {
            List<UnitProgress> list = new PlanService(new PlanStore(db), new PlanReportReader(db)).remediation(System.currentTimeMillis());
            if (json) {
                print(Map.of("units", list));
            } else {
                System.out.printf("%-12s %-12s %5s %5s %5s  %s%n", "UNIT", "STATUS", "OPEN", "FIXED", "DONE", "NAME");
                for (UnitProgress p : list) {
                    System.out.printf("%-12s %-12s %5d %5d %4d%%  %s%n", p.unit(), p.status(), p.open(), p.resolved(), p.percentDone(), p.name());
                }
            }
            return list.stream().anyMatch(p -> p.open() > 0) ? FINDINGS : CLEAN;
        }
    }

    private static void print(Object o) {
        try {
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
