package cn.egov.manager.plan;

import cn.egov.manager.store.Database;
import cn.egov.rules.plan.Allocation;
import cn.egov.rules.plan.Divisions;
import cn.egov.rules.plan.PlanFinding;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.plan.PlanValidator;
import cn.egov.rules.plan.PlanWhois;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The manager's copy of the plan: imported as a set of files, validated, and kept in the
 * database as numbered versions ({@code plan_versions}), the newest in force, so that a restart
 * serves the same plan and an import can be rolled back. An import is all or nothing: it is
 * refused, and the plan in force stays as it was, when
 * <ul>
 *   <li>a file name is not a plain {@code NAME.plan} ({@link Refusal#BAD_NAME});</li>
 *   <li>it has an error ({@link Refusal#INVALID});</li>
 *   <li>it has no aggregate or no allocation: it would empty the plan ({@link Refusal#EMPTY});</li>
 *   <li>it drops more than {@code maxDropRatio} of the allocations in force, unless confirmed
 *       ({@link Refusal#DROP_NOT_CONFIRMED}): a truncated upload must not wipe a province's plan.</li>
 * </ul>
 * The last {@link #VERSIONS_KEPT} versions are kept; {@link #rollback} puts the one before the
 * newest back in force (as a new version, so a rollback can itself be rolled back).
 */
public final class PlanStore {

    /** Versions kept for rollback and audit; older ones are deleted at the next import. */
    public static final int VERSIONS_KEPT = 20;
    /** Plain file names: no folders, no dot files, the plan's extension. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}" + Pattern.quote(PlanParser.EXTENSION));

    /**
     * The plan part's schema steps, applied by the store's one migration runner ({@code schema_history_plan}):
     * 1 the versions in force and, read once and emptied, where versions before 2026-12 kept the plan.
     */
    public static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE IF NOT EXISTS plan_versions (
              version BIGINT PRIMARY KEY, imported BIGINT NOT NULL, imported_by TEXT NOT NULL, note TEXT,
              files_json TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS plan_files (
              name TEXT PRIMARY KEY, position INTEGER NOT NULL, text TEXT NOT NULL, imported BIGINT NOT NULL)""");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> FILES = new TypeReference<>() {
    };

    private final Database database;
    private final double maxDropRatio;
    private volatile LoadedPlan current;

    /** Why an import was not put in force. */
    public enum Refusal {
        /** Accepted. */
        NONE,
        /** A file name is not a plain {@code NAME.plan}. */
        BAD_NAME,
        /** The validator found errors (see the findings). */
        INVALID,
        /** No aggregate or no allocation: the import would empty the plan. */
        EMPTY,
        /** It drops more than the allowed share of the allocations in force and was not confirmed. */
        DROP_NOT_CONFIRMED,
        /** Rollback asked for, but no earlier version is kept. */
        NO_EARLIER_VERSION
    }

    /**
     * The outcome of an import or rollback.
     *
     * @param accepted    true when the plan is now in force
     * @param findings    every syntax and validation finding, errors first
     * @param refusal     why not, or {@link Refusal#NONE}
     * @param message     one sentence for the operator
     * @param version     the version now in force (new when accepted)
     * @param allocations allocations of the imported plan
     * @param dropped     allocations in force that the import does not have
     */
    public record ImportResult(boolean accepted, List<PlanFinding> findings, Refusal refusal, String message, long version,
                               int allocations, int dropped) {
        public long errors() {
            return findings.stream().filter(f -> f.severity() == PlanFinding.Severity.ERROR).count();
        }
    }

    /** A kept version, without its text. */
    public record Version(long version, long imported, String importedBy, String note) {
    }

    public PlanStore(Database database) throws SQLException {
        this(database, 1.0);
    }

    /**
     * @param maxDropRatio share (0..1] of the allocations in force an import may drop without confirmation
     */
    public PlanStore(Database database, double maxDropRatio) throws SQLException {
        if (!(maxDropRatio > 0 && maxDropRatio <= 1)) {
            throw new IllegalArgumentException("the share of allocations an import may drop must be in (0, 1], got " + maxDropRatio);
        }
        this.database = database;
        this.maxDropRatio = maxDropRatio;
        database.migrate("plan", MIGRATIONS);
        migrateLegacy();
        Optional<StoredVersion> newest = newest(0);
        if (newest.isPresent()) {
            Checked checked = check(newest.get().files());
            // what was stored passed validation once; a newer validator may disagree: say so, keep serving
            current = loaded(newest.get(), checked);
        }
    }

    /** The plan in force, if one was ever imported. */
    public Optional<LoadedPlan> current() {
        return Optional.ofNullable(current);
    }

    /** Imports every {@code *.plan} file of a directory (or one file). */
    public ImportResult importPath(Path path, long now, String by) throws IOException, SQLException {
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
        return importFiles(files, now, by, false);
    }

    /** {@link #importPath(Path, long, String)} by the manager itself. */
    public ImportResult importPath(Path path, long now) throws IOException, SQLException {
        return importPath(path, now, "manager");
    }

    /** {@link #importFiles(Map, long, String, boolean)} by the manager itself, without confirmation. */
    public ImportResult importFiles(Map<String, String> files, long now) throws SQLException {
        return importFiles(files, now, "manager", false);
    }

    /**
     * Validates and, when nothing refuses it, stores as a new version and puts in force.
     *
     * @param files       file name → text
     * @param by          who imports (for the version's record)
     * @param confirmDrop true when the operator confirmed dropping more than the allowed share
     */
    public synchronized ImportResult importFiles(Map<String, String> files, long now, String by, boolean confirmDrop)
            throws SQLException {
        long inForce = current == null ? 0 : current.version();
        if (files.isEmpty()) {
            return refused(Refusal.EMPTY, "the import names no " + PlanParser.EXTENSION + " file", List.of(), inForce, 0, 0);
        }
        for (String name : files.keySet()) {
            if (!FILE_NAME.matcher(name).matches()) {
                return refused(Refusal.BAD_NAME, "file name '" + cn.egov.api.text.LogSafe.of(name) + "' is not a plain NAME"
                        + PlanParser.EXTENSION + " (letters, digits, '.', '_', '-'; no folders)", List.of(), inForce, 0, 0);
            }
        }
        Checked checked = check(files);
        int allocations = checked.result.plan().allocations().size();
        if (checked.errors > 0) {
            return refused(Refusal.INVALID, "the plan has " + checked.errors + " error(s); nothing was changed", checked.findings,
                    inForce, allocations, 0);
        }
        if (checked.result.plan().aggregates().isEmpty() || allocations == 0) {
            return refused(Refusal.EMPTY, "the plan has " + checked.result.plan().aggregates().size() + " aggregate(s) and "
                    + allocations + " allocation(s): importing it would empty the plan; nothing was changed", checked.findings,
                    inForce, allocations, 0);
        }
        int dropped = current == null ? 0 : dropped(current.plan().allocations(), checked.result.plan().allocations());
        int before = current == null ? 0 : current.plan().allocations().size();
        if (dropped > 0 && dropped > maxDropRatio * before && !confirmDrop) {
            return refused(Refusal.DROP_NOT_CONFIRMED, "the import drops " + dropped + " of the " + before
                    + " allocations in force (more than " + Math.round(maxDropRatio * 100) + " %); confirm to import it",
                    checked.findings, inForce, allocations, dropped);
        }
        long version = store(files, now, by, null);
        current = loaded(new StoredVersion(version, now, by, null, new LinkedHashMap<>(files)), checked);
        return new ImportResult(true, checked.findings, Refusal.NONE, "plan version " + version + " is in force ("
                + allocations + " allocations" + (dropped > 0 ? ", " + dropped + " dropped" : "") + ")", version, allocations, dropped);
    }

    /** Puts the version before the newest back in force, as a new version. */
    public synchronized ImportResult rollback(long now, String by) throws SQLException {
        long inForce = current == null ? 0 : current.version();
        Optional<StoredVersion> earlier = newest(1);
        if (earlier.isEmpty()) {
            return refused(Refusal.NO_EARLIER_VERSION, "no earlier plan version is kept; nothing was changed", List.of(), inForce, 0, 0);
        }
        StoredVersion back = earlier.get();
        Checked checked = check(back.files());
        int allocations = checked.result.plan().allocations().size();
        if (checked.errors > 0) {
            return refused(Refusal.INVALID, "plan version " + back.version() + " no longer validates (" + checked.errors
                    + " error(s)); nothing was changed", checked.findings, inForce, allocations, 0);
        }
        int dropped = current == null ? 0 : dropped(current.plan().allocations(), checked.result.plan().allocations());
        String note = "rollback to version " + back.version();
        long version = store(back.files(), now, by, note);
        current = loaded(new StoredVersion(version, now, by, note, back.files()), checked);
        return new ImportResult(true, checked.findings, Refusal.NONE, "plan version " + version + " (" + note + ") is in force",
                version, allocations, dropped);
    }

    /** The kept versions, newest first. */
    public List<Version> versions() throws SQLException {
        List<Version> out = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, imported, imported_by, note FROM plan_versions ORDER BY version DESC")) {
            while (rs.next()) {
                out.add(new Version(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    private ImportResult refused(Refusal why, String message, List<PlanFinding> findings, long inForce, int allocations, int dropped) {
        return new ImportResult(false, findings, why, message, inForce, allocations, dropped);
    }

    /** Allocations in force (owner, zone, prefix) that {@code next} does not have. */
    private static int dropped(List<Allocation> inForce, List<Allocation> next) {
        Set<String> kept = new HashSet<>();
        next.forEach(a -> kept.add(key(a)));
        return (int) inForce.stream().filter(a -> !kept.contains(key(a))).count();
    }

    private static String key(Allocation a) {
        return a.owner().code() + " " + a.zone().label() + " " + a.prefix();
    }

    private record StoredVersion(long version, long imported, String importedBy, String note, Map<String, String> files) {
    }

    /** The {@code skip}-th newest version (0 = newest). */
    private Optional<StoredVersion> newest(int skip) throws SQLException {
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT version, imported, imported_by, note, files_json FROM plan_versions"
                     + " ORDER BY version DESC LIMIT 1 OFFSET ?")) {
            ps.setInt(1, skip);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredVersion(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), files(rs.getString(5))));
            }
        }
    }

    private static Map<String, String> files(String json) throws SQLException {
        try {
            return JSON.readValue(json, FILES);
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored plan version is damaged: " + e.getOriginalMessage());
        }
    }

    /** Stores a new version (the next number) and deletes those beyond {@link #VERSIONS_KEPT}, in one transaction. */
    private long store(Map<String, String> files, long now, String by, String note) throws SQLException {
        String json;
        try {
            json = JSON.writeValueAsString(files);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write plan files as JSON", e);
        }
        try (Database.SeriesLock versions = database.lockSeries("plan_versions.version"); Connection c = database.connect()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                 PreparedStatement ins = c.prepareStatement("INSERT INTO plan_versions (version, imported, imported_by, note, files_json)"
                         + " VALUES (?, ?, ?, ?, ?)")) {
                long version;
                try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM plan_versions")) {
                    rs.next();
                    version = rs.getLong(1) + 1;
                }
                ins.setLong(1, version);
                ins.setLong(2, now);
                ins.setString(3, by);
                ins.setString(4, note);
                ins.setString(5, json);
                ins.executeUpdate();
                s.executeUpdate("DELETE FROM plan_versions WHERE version <= " + (version - VERSIONS_KEPT));
                c.commit();
                return version;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    /** A plan kept by an earlier manager in {@code plan_files} becomes version 1. */
    private void migrateLegacy() throws SQLException {
        Map<String, String> files = new LinkedHashMap<>();
        long imported = 0;
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, text, imported FROM plan_files ORDER BY position")) {
            while (rs.next()) {
                files.put(rs.getString(1), rs.getString(2));
                imported = rs.getLong(3);
            }
        }
        if (files.isEmpty() || newest(0).isPresent()) {
            return;
        }
        store(files, imported, "manager", "kept from plan_files");
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM plan_files");
        }
    }

    private static LoadedPlan loaded(StoredVersion v, Checked checked) {
        return new LoadedPlan(v.files(), checked.result.plan(), new PlanWhois(checked.result.plan(), Divisions.hebei()),
                checked.findings, v.imported(), v.version(), v.importedBy());
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
