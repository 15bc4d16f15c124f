package cn.egov.manager.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What the process logs (slf4j-simple writes to {@code System.err}, looked up at each line) while
 * it is open; the lines still go to the real stderr too.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public LogCapture() {
        PrintStream copy = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(new PrintStream(new java.io.OutputStream() {
            @Override
            public synchronized void write(int b) {
                original.write(b);
                copy.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                copy.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    public synchronized List<String> lines() {
        return Arrays.asList(captured.toString(StandardCharsets.UTF_8).split("\n"));
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
