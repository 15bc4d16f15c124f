package cn.egov.api.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every alarm kind raised anywhere (box bundles, appliance, manager) has an entry in
 * {@link AlarmCatalogue}, so no county technician or NOC operator meets an alarm with no Chinese.
 * The kinds are read from the main sources, where the project writes them in four ways:
 * <ol>
 * <li>the first argument of {@code new Alarm("...")} or {@code new BacklogAlarm("...")};</li>
 * <li>a constant or variable named {@code ..._ALARM}, {@code ALARM_...}, {@code ..._KIND} or
 *     {@code kind} ({@code REJECTED_ALARM = "isolation.policy.bundle.rejected"},
 *     {@code String kind = login ? "..." : "..."});</li>
 * <li>an enum constant's first argument in an enum with an {@code alarmKind} (FindingRule,
 *     RouteFinding.Kind);</li>
 * <li>a constant whose Javadoc begins by calling it an alarm (DutyTopics: "Box alarm: ...", "Manager alarm: ..."), or any constant of
 *     a class named {@code ...Alarms} (IsolationAlarms: the alarms of one capability in one place).</li>
 * </ol>
 * A kind built at run time ({@code "broker." + label}) is not seen here: the manager's
 * {@code SetAsideAlarmKindsTest} enumerates those.
 */
class AlarmCatalogueCoversEveryKindTest {

    /** An alarm kind: lower-case words joined by dots, at least two. */
    private static final String KIND = "\"([a-z]+(?:\\.[a-z0-9-]+)+)\"";
    private static final Pattern NEW_ALARM = Pattern.compile("new (?:Backlog)?Alarm\\(\\s*" + KIND);
    private static final Pattern NAMED = Pattern.compile("\\b(?:ALARM_\\w+|\\w*_ALARM|\\w*_KIND|kind)\\s*=\\s*([^;]*);");
    private static final Pattern ENUM_CONSTANT = Pattern.compile("(?m)^\\s*[A-Z][A-Z0-9_]*\\(\\s*" + KIND);
    private static final Pattern DOCUMENTED_CONSTANT = Pattern.compile(
            "/\\*\\*([^/]*?)\\*/\\s*(?:public\\s+)?(?:static\\s+)?(?:final\\s+)?String\\s+\\w+\\s*=\\s*" + KIND);
    private static final Pattern CONSTANT = Pattern.compile("String\\s+\\w+\\s*=\\s*" + KIND);
    private static final Pattern ANY_KIND = Pattern.compile(KIND);

    @Test
    void everyKindRaisedInTheMainSourcesHasACatalogueEntry() {
        Set<String> raised = raisedKinds(repositoryRoot());
        // each way of writing a kind is seen (else a broken pattern would pass with nothing found)
        for (String k : List.of("vpn.down", "isolation.policy.bundle.rejected", "isolation.outbound",
                "isolation.route.internet", "duty.report.late", "isolation.denied", "broker.access-refused", "ingest.backlog")) {
            assertTrue(raised.contains(k), "the source scan did not find " + k + "; found " + raised);
        }
        Set<String> missing = new TreeSet<>();
        for (String k : raised) {
            if (!AlarmCatalogue.of(k).known()) {
                missing.add(k);
            }
        }
        assertEquals(Set.of(), missing, "alarm kinds raised in the main sources without an entry in AlarmCatalogue");
    }

    @Test
    void everyEntryHasChineseNameAndAdvice() {
        for (AlarmKind k : AlarmCatalogue.all()) {
            assertFalse(k.chinese().isBlank(), k.kind());
            assertTrue(k.chinese().codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN),
                    k.kind() + ": the name is to be Chinese");
            assertTrue(k.advice().endsWith("。"), k.kind() + ": the advice is one Chinese sentence");
        }
    }

    @Test
    void anUnknownKindIsShownByItself() {
        AlarmKind k = AlarmCatalogue.of("isolation.from-a-newer-box");
        assertFalse(k.known());
        assertEquals("isolation.from-a-newer-box", k.label());
        assertEquals("", k.advice());
        assertEquals("隧道中断 vpn.down", AlarmCatalogue.of("vpn.down").label());
    }

    static Set<String> raisedKinds(Path root) {
        Set<String> kinds = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java") && isMainSource(root.relativize(p)))
                    .forEach(p -> kinds.addAll(kindsIn(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kinds;
    }

    private static boolean isMainSource(Path relative) {
        String s = relative.toString().replace('\\', '/');
        return (s.startsWith("bundles/") || s.startsWith("manager/") || s.startsWith("appliance/")) && s.contains("/src/main/java/");
    }

    private static Set<String> kindsIn(Path file) {
        String src;
        try {
            src = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> kinds = new TreeSet<>();
        addGroup(NEW_ALARM.matcher(src), 1, kinds);
        Matcher named = NAMED.matcher(src);
        while (named.find()) {
            addGroup(ANY_KIND.matcher(named.group(1)), 1, kinds);
        }
        if (src.contains("alarmKind")) {
            addGroup(ENUM_CONSTANT.matcher(src), 1, kinds);
        }
        Matcher documented = DOCUMENTED_CONSTANT.matcher(src);
        while (documented.find()) {
            if (documented.group(1).contains("alarm:")) {
                kinds.add(documented.group(2));
            }
        }
        if (file.getFileName().toString().endsWith("Alarms.java")) {
            addGroup(CONSTANT.matcher(src), 1, kinds);
        }
        return kinds;
    }

    private static void addGroup(Matcher m, int group, Set<String> into) {
        while (m.find()) {
            into.add(m.group(group));
        }
    }

    /** The checkout's top directory: the test runs in bundles/api (or another module's folder). */
    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("bundles")) && Files.isDirectory(p.resolve("manager")))) {
            p = p.getParent();
        }
        assertTrue(p != null, "no checkout above " + Path.of("").toAbsolutePath());
        return p;
    }
}
