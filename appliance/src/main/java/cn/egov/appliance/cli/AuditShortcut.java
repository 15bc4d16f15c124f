package cn.egov.appliance.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * {@code appliance audit} started without picocli, for a command line that plainly parses: building
 * picocli's model of the command (its annotations and converters by reflection, in cold code) was
 * ~0.1 s of an audit's start, a third of tcpdump's whole run over 1 M packets (bench/RESULTS.md,
 * "start-up"). Only the forms picocli reads the same way are taken here: {@code audit} first, each
 * of its options at most once as {@code --name value} or {@code --name=value}, values that do not
 * start with '-', a date as YYYY-MM-DD, a thread count in plain digits. Anything else (help, a
 * typo, a missing or repeated option, {@code --debug}, an odd value) goes to picocli, which
 * reports it as before; {@code AuditShortcutTest} holds the two equal.
 */
final class AuditShortcut {

    private AuditShortcut() {
    }

    /** Runs the audit and returns its exit code, or null when picocli must read the command line. */
    static Integer run(String[] args) {
        AuditCommand audit = parse(args);
        if (audit == null) {
            return null;
        }
        // as picocli makes them (CommandLine.getOut, getErr); stdout flushed once at the end: the
        // audit writes stderr only before its report or after flushing it
        PrintWriter out = writer(System.out, "sun.stdout.encoding", false);
        PrintWriter err = writer(System.err, "sun.stderr.encoding", true);
        try {
            return audit.run(out, err);
        } catch (RuntimeException e) {
            out.flush();
            return FailureHandler.report(e, "appliance audit", err, false);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command with its options set, or null when the arguments are not in a form taken here. */
    static AuditCommand parse(String[] args) {
        if (args.length < 3 || !args[0].equals("audit")) {
            return null;
        }
        AuditCommand c = new AuditCommand();
        boolean json = false;
        java.util.Set<String> given = new java.util.HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            String value = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("--json")) {
                if (json || value != null) {
                    return null;
                }
                json = true;
                continue;
            }
            if (value == null) {
                if (++i == args.length) {
                    return null;
                }
                value = args[i];
            }
            if (value.isEmpty() || value.charAt(0) == '-' || !given.add(name) || !set(c, name, value)) {
                return null;
            }
        }
        c.json = json;
        return c.policy != null && c.pcap != null ? c : null;
    }

    /** Sets option {@code name} (given once: the caller checks); false when it is unknown or its value is not plain. */
    private static boolean set(AuditCommand c, String name, String value) {
        switch (name) {
            case "--policy" -> c.policy = Path.of(value);
            case "--pcap" -> c.pcap = Path.of(value);
            case "--plan" -> c.plan = Path.of(value);
            case "--unit" -> c.unit = value;
            case "--interface" -> c.interfaceName = value;
            case "--date" -> {
                // YYYY-MM-DD as LocalDate.parse (picocli's converter) reads it, without loading its formatter
                if (!digits(value, 0, 4) || value.length() != 10 || value.charAt(4) != '-'
                        || !digits(value, 5, 7) || value.charAt(7) != '-' || !digits(value, 8, 10)) {
                    return false;
                }
                try {
                    c.date = LocalDate.of(Integer.parseInt(value, 0, 4, 10), Integer.parseInt(value, 5, 7, 10),
                            Integer.parseInt(value, 8, 10, 10));
                } catch (DateTimeException e) {
                    return false;
                }
            }
            case "--threads" -> {
                // no sign, no leading zero, at most 9 digits: Integer.valueOf, picocli's converter, reads it the same
                if (value.length() > 9 || value.charAt(0) == '0' || !digits(value, 0, value.length())) {
                    return false;
                }
                c.threads = Integer.valueOf(value);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String s, int from, int to) {
        if (s.length() < to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A writer in the stream's encoding as picocli chooses it: the JVM's property for it, else the default. */
    private static PrintWriter writer(OutputStream stream, String encodingProperty, boolean autoFlush) {
        String encoding = System.getProperty(encodingProperty);
        Charset charset;
        try {
            charset = encoding == null ? Charset.defaultCharset()
                    : Charset.forName(encoding.equalsIgnoreCase("cp65001") ? "UTF-8" : encoding);
        } catch (IllegalArgumentException e) {
            charset = Charset.defaultCharset();
        }
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset)), autoFlush);
    }
}
