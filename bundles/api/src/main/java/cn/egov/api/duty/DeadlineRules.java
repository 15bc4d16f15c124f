package cn.egov.api.duty;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How soon an event of each level must be reported, counted from the recorded time of the event:
 * by phone (optional) and in writing (the 初报). A province sets its own; the default is the common
 * provincial rule: 特别重大 and 重大 by phone within 15 minutes and in writing within 35, 较大 in
 * writing within 1 hour, 一般 within 6 hours.
 *
 * <p>Written as text, one entry per level, phone then written deadline ({@code -} for none):
 * <pre>{@code
 * DeadlineRules rules = DeadlineRules.parse("extraordinary=15m/35m, major=15m/35m, large=-/1h, general=-/6h");
 * rules.of(ReportLevel.LARGE).written();                      // PT1H
 * rules.dueAt(ReportLevel.MAJOR, occurredAt).phone();         // occurredAt + 15 min
 * }</pre>
 *
 * @param levels the deadlines of every level
 */
public record DeadlineRules(Map<ReportLevel, LevelDeadlines> levels) {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhd])");
    /** The default rules in their text form. */
    public static final String DEFAULT_TEXT = "extraordinary=15m/35m, major=15m/35m, large=-/1h, general=-/6h";
    public static final DeadlineRules DEFAULT = parse(DEFAULT_TEXT);

    /**
     * The deadlines of one level.
     *
     * @param phone   the phone report's deadline after the event, or null when the level needs none
     * @param written the written 初报's deadline after the event
     */
    public record LevelDeadlines(Duration phone, Duration written) {
        public LevelDeadlines {
            java.util.Objects.requireNonNull(written, "written");
        }
    }

    /**
     * The moments an event's reports are due.
     *
     * @param phone   when the phone report is due, or null
     * @param written when the written 初报 is due
     */
    public record Due(Instant phone, Instant written) {
    }

    public DeadlineRules {
        EnumMap<ReportLevel, LevelDeadlines> copy = new EnumMap<>(ReportLevel.class);
        copy.putAll(levels);
        for (ReportLevel l : ReportLevel.values()) {
            if (!copy.containsKey(l)) {
                throw new DutyInputException("deadlines", "deadlines: level '" + l.key() + "' (" + l.chinese() + ") is missing");
            }
        }
        levels = Collections.unmodifiableMap(copy);
    }

    public LevelDeadlines of(ReportLevel level) {
        return levels.get(level);
    }

    /** When the reports of an event of {@code level} that happened at {@code occurredAt} are due. */
    public Due dueAt(ReportLevel level, Instant occurredAt) {
        LevelDeadlines d = levels.get(level);
        return new Due(d.phone() == null ? null : occurredAt.plus(d.phone()), occurredAt.plus(d.written()));
    }

    /**
     * Reads the text form; the error names the level and the part that is wrong.
     *
     * @throws DutyInputException (field {@code deadlines})
     */
    public static DeadlineRules parse(String text) {
        if (text == null || text.isBlank()) {
            throw new DutyInputException("deadlines", "deadlines are empty; expected e.g. '" + DEFAULT_TEXT + "'");
        }
        Map<ReportLevel, LevelDeadlines> m = new EnumMap<>(ReportLevel.class);
        for (String entry : text.split(",")) {
            String e = entry.strip();
            int eq = e.indexOf('=');
            int slash = e.indexOf('/');
            if (eq <= 0 || slash < eq) {
                throw new DutyInputException("deadlines", "deadlines: '" + e + "' is not level=phone/written, e.g. major=15m/35m");
            }
            String name = e.substring(0, eq).strip();
            ReportLevel level = null;
            for (ReportLevel l : ReportLevel.values()) {
                if (l.key().equals(name.toLowerCase(Locale.ROOT)) || l.chinese().equals(name)) {
                    level = l;
                }
            }
            if (level == null) {
                throw new DutyInputException("deadlines", "deadlines: unknown level '" + name + "' (extraordinary, major, large, general)");
            }
            if (m.containsKey(level)) {
                throw new DutyInputException("deadlines", "deadlines: level '" + level.key() + "' is given twice");
            }
            String phoneText = e.substring(eq + 1, slash).strip();
            Duration phone = phoneText.equals("-") ? null : duration(level, "phone", phoneText);
            Duration written = duration(level, "written", e.substring(slash + 1).strip());
            if (phone != null && phone.compareTo(written) > 0) {
                throw new DutyInputException("deadlines", "deadlines: level '" + level.key() + "': the phone deadline "
                        + phoneText + " is later than the written one");
            }
            m.put(level, new LevelDeadlines(phone, written));
        }
        return new DeadlineRules(m);
    }

    private static Duration duration(ReportLevel level, String which, String text) {
        Matcher mt = DURATION.matcher(text);
        if (!mt.matches()) {
            throw new DutyInputException("deadlines", "deadlines: level '" + level.key() + "': " + which + " deadline '" + text
                    + "' is not a duration like 35m, 1h or 6h");
        }
        long n = Long.parseLong(mt.group(1));
        Duration d = switch (mt.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero()) {
            throw new DutyInputException("deadlines", "deadlines: level '" + level.key() + "': " + which + " deadline must be positive");
        }
        return d;
    }

    /** The text form (what {@link #parse} reads). */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (ReportLevel l : ReportLevel.values()) {
            LevelDeadlines d = levels.get(l);
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(l.key()).append('=').append(d.phone() == null ? "-" : text(d.phone())).append('/').append(text(d.written()));
        }
        return sb.toString();
    }

    /**
     * The rule as a duty officer reads it, Chinese first, then English (the configuration's syntax is {@link #toText()}):
     * {@code 特别重大 电话 15 分钟、书面 35 分钟；… 一般 书面 6 小时 · Ⅰ phone 15 min, written 35 min; … Ⅳ written 6 h}.
     */
    public String toSentence() {
        StringBuilder zh = new StringBuilder();
        StringBuilder en = new StringBuilder();
        for (ReportLevel l : ReportLevel.values()) {
            LevelDeadlines d = levels.get(l);
            zh.append(zh.length() > 0 ? "；" : "").append(l.chinese()).append(' ')
                    .append(d.phone() == null ? "" : "电话 " + spoken(d.phone(), true) + "、").append("书面 ").append(spoken(d.written(), true));
            en.append(en.length() > 0 ? "; " : "").append(l.grade()).append(' ')
                    .append(d.phone() == null ? "" : "phone " + spoken(d.phone(), false) + ", ").append("written ").append(spoken(d.written(), false));
        }
        return zh + " · " + en;
    }

    private static String spoken(Duration d, boolean chinese) {
        long s = d.toSeconds();
        if (s % 86400 == 0) {
            return s / 86400 + (chinese ? " 天" : " d");
        }
        if (s % 3600 == 0) {
            return s / 3600 + (chinese ? " 小时" : " h");
        }
        return s % 60 == 0 ? s / 60 + (chinese ? " 分钟" : " min") : s + (chinese ? " 秒" : " s");
    }

    private static String text(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
