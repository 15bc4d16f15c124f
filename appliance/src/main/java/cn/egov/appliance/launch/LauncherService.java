package cn.egov.appliance.launch;

import cn.egov.api.launcher.BoxLauncher;
import cn.egov.appliance.config.ApplyReport;
import cn.egov.appliance.config.ConfigDirectory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link BoxLauncher} for the bundles: the configuration directory (applied by the same
 * {@link ConfigDirectory} the watcher uses) and the recent log, from the ring, or from the log file
 * when SLF4J's simple logger is told to write to one ({@code org.slf4j.simpleLogger.logFile}).
 */
final class LauncherService implements BoxLauncher {
    static final String LOG_FILE_PROPERTY = "org.slf4j.simpleLogger.logFile";
    /** How much of a log file's end is read for its last lines. */
    private static final int TAIL_BYTES = 256 * 1024;

    private final ConfigDirectory directory;
    private final Consumer<ApplyReport> log;
    private final LogRing ring;

    LauncherService(ConfigDirectory directory, Consumer<ApplyReport> log, LogRing ring) {
        this.directory = directory;
        this.log = log;
        this.ring = ring;
    }

    @Override
    public List<ConfigRefusal> applyConfiguration() throws IOException {
        ApplyReport report = directory.apply();
        log.accept(report);
        return report.problems();
    }

    @Override
    public List<ConfigRefusal> refusedFiles() {
        return directory.problems();
    }

    @Override
    public List<String> recentLog(int max) {
        String file = System.getProperty(LOG_FILE_PROPERTY);
        if (file == null || file.equals("System.err") || file.equals("System.out")) {
            return ring.last(max);
        }
        try {
            return tail(Path.of(file), max);
        } catch (IOException e) {
            return List.of("cannot read the log file " + file + ": " + e.getMessage());
        }
    }

    static List<String> tail(Path file, int max) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            if (start > 0 && !lines.isEmpty()) {
                lines = lines.subList(1, lines.size()); // the first line is cut
            }
            return List.copyOf(lines.subList(Math.max(0, lines.size() - max), lines.size()));
        }
    }
}
