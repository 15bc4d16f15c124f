package cn.egov.manager.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client program (mosquitto_pub, mosquitto_sub, bash pipelines) and returns its exit code and output. */
public final class Cli {

    /** What a command did. */
    public record Result(int exit, String output) {
    }

    private Cli() {
    }

    public static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("command did not finish: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    public static Result bash(Path dir, String script) throws IOException, InterruptedException {
        return run(dir, List.of("bash", "-c", script));
    }
}
