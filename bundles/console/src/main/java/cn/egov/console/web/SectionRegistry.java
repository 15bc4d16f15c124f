package cn.egov.console.web;

import cn.egov.api.text.LogSafe;
import cn.egov.console.api.ConsoleSection;
import cn.egov.console.api.ConsoleUser;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sections other bundles registered (whiteboard), by path. A section is checked when it
 * arrives, not when a request comes: a bad path, a path the console uses, a second section on one
 * path or a section without roles is refused and logged, and the console goes on without it.
 * A {@linkplain ConsoleSection#standIn() stand-in} is kept apart: it answers its path only while
 * no real section has it, and is never listed.
 */
public final class SectionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SectionRegistry.class);
    private static final Pattern PATH = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** The console's own first path segments. */
    static final Set<String> RESERVED = Set.of("", "login", "logout", "static", "status", "selftest", "config", "logs",
            "accounts", "audit", "me", "api");

    private final Map<String, ConsoleSection> sections = new ConcurrentHashMap<>();
    private final Map<String, ConsoleSection> standIns = new ConcurrentHashMap<>();

    /** @return true when the section was mounted */
    public boolean add(ConsoleSection section) {
        String path = section.path();
        String problem = path == null || !PATH.matcher(path).matches()
                ? "path must be one segment of lower-case letters, digits and '-'"
                : RESERVED.contains(path) ? "the console uses /" + path + "/ itself"
                : section.roles() == null || section.roles().isEmpty() ? "it names no role"
                : null;
        Map<String, ConsoleSection> kind = section.standIn() ? standIns : sections;
        if (problem == null && kind.putIfAbsent(path, section) != null) {
            problem = "another section already has /" + path + "/";
        }
        if (problem != null) {
            LOG.error("console: section '{}' ({}) not mounted: {}", LogSafe.of(path), section.getClass().getName(), problem);
            return false;
        }
        LOG.info("console: section /{}/ mounted ({}{})", path, LogSafe.of(section.title()),
                section.standIn() ? ", a stand-in while the service is off" : "");
        return true;
    }

    public void remove(ConsoleSection section) {
        if (section.path() != null) {
            (section.standIn() ? standIns : sections).remove(section.path(), section);
        }
    }

    /** The section at {@code path}, else its stand-in. */
    public Optional<ConsoleSection> find(String path) {
        return Optional.ofNullable(sections.get(path)).or(() -> Optional.ofNullable(standIns.get(path)));
    }

    /** The (real) sections this user may open, by path. */
    public List<ConsoleSection> visibleTo(ConsoleUser user) {
        return sections.values().stream().filter(s -> user.hasAny(s.roles()))
                .sorted(Comparator.comparing(ConsoleSection::path)).toList();
    }
}
