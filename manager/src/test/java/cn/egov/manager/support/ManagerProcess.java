package cn.egov.manager.support;

import cn.egov.manager.cli.ManagerCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code manager} command as a user runs it: its own JVM on the test class path (what
 * {@code manager/bin/manager} runs from the jar), so exit code, stdout and stderr are the real ones.
 */
public final class ManagerProcess {

    /** How a finished command ended. */
    public record Result(int exit, String stdout, String stderr) {
        public List<String> stderrLines() {
            return stderr.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private ManagerProcess() {
    }

    /** Runs {@code manager ARGS...} in {@code dir} to its end (bounded by a generous deadline). */
    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "manager-out", ".txt");
        Path err = Files.createTempFile(dir, "manager-err", ".txt");
        Process p = builder(dir, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("manager " + String.join(" ", args) + " did not finish");
        }
        try {
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** Starts {@code manager ARGS...} (e.g. {@code run}) with its output in the two files; the caller stops it. */
    public static Process start(Path dir, Path stdout, Path stderr, String... args) throws IOException {
        return builder(dir, args).redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start();
    }

    /** Stops a started manager as systemd does (SIGTERM, then its shutdown hook) and waits for it. */
    public static int stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("manager did not stop within 60 s of SIGTERM");
        }
        return p.exitValue();
    }

    private static ProcessBuilder builder(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), ManagerCommand.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile());
        b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return b;
    }
}
