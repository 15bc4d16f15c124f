package cn.egov.manager.plan;

import cn.egov.manager.store.Database;
import cn.egov.rules.plan.Divisions;
import cn.egov.rules.plan.PlanFinding;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.plan.PlanValidator;
import cn.egov.rules.plan.PlanWhois;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The manager's copy of the plan: imported as a set of files, validated, and kept in the
 * database ({@code plan_files}) so that a restart serves the same plan. An import is all or
 * nothing: a plan with any error is refused and the plan in force stays as it was.
 */
public final class PlanStore {

    private static final String TABLE = """
            CREATE TABLE IF NOT EXISTS plan_files (
              name TEXT PRIMARY KEY, position INTEGER NOT NULL, text TEXT NOT NULL, imported BIGINT NOT NULL)""";

    private final Database database;
    private volatile LoadedPlan current;

    /**
     * The outcome of an import.
     *
     * @param accepted true when the plan is now in force
     * @param findings every syntax and validation finding, errors first
     */
    public record ImportResult(boolean accepted, List<PlanFinding> findings) {
        public long errors() {
            return findings.stream().filter(f -> f.severity() == PlanFinding.Severity.ERROR).count();
        }
    }

    public PlanStore(Database database) throws SQLException {
        this.database = database;
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(TABLE);
        }
        Map<String, String> files = new LinkedHashMap<>();
        long imported = 0;
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, text, imported FROM plan_files ORDER BY position")) {
            while (rs.next()) {
                files.put(rs.getString(1), rs.getString(2));
                imported = rs.getLong(3);
            }
        }
        if (!files.isEmpty()) {
            Checked checked = check(files);
            // what was stored passed validation once; a newer validator may disagree: say so, keep serving
            current = new LoadedPlan(files, checked.result.plan(), new PlanWhois(checked.result.plan(), Divisions.hebei()),
                    checked.findings, imported);
        }
    }

    /** The plan in force, if one was ever imported. */
    public Optional<LoadedPlan> current() {
        return Optional.ofNullable(current);
    }

    /** Imports every {@code *.plan} file of a directory (or one file). */
    public ImportResult importPath(Path path, long now) throws IOException, SQLException {
        Map<String, String> files = new LinkedHashMap<>();
        List<Path> paths;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                paths = s.filter(p -> p.getFileName().toString().endsWith(PlanParser.EXTENSION)).sorted().toList();
            }
        } else {
            paths = List.of(path);
        }
        for (Path p : paths) {
            files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
        }
        if (files.isEmpty()) {
            throw new IOException("no " + PlanParser.EXTENSION + " files in " + path);
        }
        return importFiles(files, now);
    }

    /** Validates and, when free of errors, stores and switches to the given files (name → text). */
    public synchronized ImportResult importFiles(Map<String, String> files, long now) throws SQLException {
        if (files.isEmpty()) {
            return new ImportResult(false, List.of());
        }
        Checked checked = check(files);
        ImportResult r = new ImportResult(checked.errors == 0, checked.findings);
        if (!r.accepted()) {
            return r;
        }
        try (Connection c = database.connect()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                 PreparedStatement ins = c.prepareStatement("INSERT INTO plan_files (name, position, text, imported) VALUES (?,?,?,?)")) {
                s.execute("DELETE FROM plan_files");
                int pos = 0;
                for (Map.Entry<String, String> e : files.entrySet()) {
                    ins.setString(1, e.getKey());
                    ins.setInt(2, pos++);
                    ins.setString(3, e.getValue());
                    ins.setLong(4, now);
                    ins.addBatch();
                }
                ins.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
        current = new LoadedPlan(new LinkedHashMap<>(files), checked.result.plan(),
                new PlanWhois(checked.result.plan(), Divisions.hebei()), checked.findings, now);
        return r;
    }

    private record Checked(PlanParser.Result result, List<PlanFinding> findings, long errors) {
    }

    private static Checked check(Map<String, String> files) {
        PlanParser.Result r = PlanParser.forHebei().parse(files);
        List<PlanFinding> all = new ArrayList<>(r.findings());
        all.addAll(new PlanValidator().validate(r.plan()));
        all.sort(java.util.Comparator.comparing(PlanFinding::severity));
        long errors = all.stream().filter(f -> f.severity() == PlanFinding.Severity.ERROR).count();
        return new Checked(r, List.copyOf(all), errors);
    }
}
