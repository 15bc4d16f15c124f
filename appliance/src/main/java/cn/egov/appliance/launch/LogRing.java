package cn.egov.appliance.launch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The box's recent log lines, for the console's log page: a bounded ring fed by a copy of what
 * goes to stderr (SLF4J's simple logger writes there, and systemd keeps the full log). The oldest
 * line goes when the ring is full: it is a window onto the log, not the log.
 */
public final class LogRing implements AutoCloseable {
    /** Lines kept: about a day of a quiet box's log, a few minutes of a noisy one, ~0.5 MB at most. */
    public static final int CAPACITY = 2000;
    /** A longer line is cut (a stack trace's lines are separate lines). */
    static final int MAX_LINE = 1000;

    private final Deque<String> lines = new ArrayDeque<>();
    private final int capacity;
    private PrintStream original;

    public LogRing(int capacity) {
        this.capacity = capacity;
    }

    /** Starts copying {@code System.err} into a new ring; {@link #close()} puts the original back. */
    public static LogRing captureStderr() {
        LogRing ring = new LogRing(CAPACITY);
        ring.original = System.err;
        System.setErr(new PrintStream(new Tee(ring.original, ring), true, StandardCharsets.UTF_8));
        return ring;
    }

    public synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line);
    }

    /** The last {@code max} lines, oldest first. */
    public synchronized List<String> last(int max) {
        List<String> all = new ArrayList<>(lines);
        return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, max)), all.size()));
    }

    @Override
    public void close() {
        if (original != null) {
            System.setErr(original);
        }
    }

    /** Writes through to the original stream and cuts a copy into lines. */
    private static final class Tee extends OutputStream {
        private final OutputStream out;
        private final LogRing ring;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Tee(OutputStream out, LogRing ring) {
            this.out = out;
            this.ring = ring;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            out.write(b);
            if (b == '\n') {
                ring.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else if (line.size() < MAX_LINE * 4) {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    ring.add(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else if (line.size() < MAX_LINE * 4) {
                    line.write(b[i]);
                }
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
