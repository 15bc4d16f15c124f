package cn.egov.appliance.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * A component packed into a tiny test bundle ({@link ProbeBundle}): it writes the configuration it
 * was given, with the Java type of each value, to the file named by its {@code out} option, so a
 * test outside the framework can see activation and reconfiguration. It uses no OSGi types, so
 * it needs no imports.
 */
public final class ProbeComponent {
    private int activations;

    public void activate(Map<String, Object> properties) throws IOException {
        activations++;
        write(properties);
    }

    public void modified(Map<String, Object> properties) throws IOException {
        write(properties);
    }

    private void write(Map<String, Object> properties) throws IOException {
        StringBuilder text = new StringBuilder("activations=" + activations + "\n");
        for (Map.Entry<String, Object> e : new TreeMap<>(properties).entrySet()) {
            text.append(e.getKey()).append('=').append(e.getValue())
                    .append(" (").append(e.getValue().getClass().getSimpleName()).append(")\n");
        }
        Path out = Path.of((String) properties.get("out"));
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
