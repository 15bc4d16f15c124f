package cn.egov.addressplan;

import cn.egov.addressplan.SiteObservation.HostName;
import cn.egov.rules.plan.IpPrefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads an {@code /etc/hosts}-style file: {@code <address> <name> [aliases...]}, {@code #} comments. */
public final class HostsFileReader {

    private final List<String> problems = new ArrayList<>();

    /** Lines that could not be read, {@code file:line: message}. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    public List<HostName> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<HostName> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String l = lines.get(n);
            int hash = l.indexOf('#');
            if (hash >= 0) {
                l = l.substring(0, hash);
            }
            String[] f = l.strip().split("\\s+");
            if (f.length < 2 || f[0].isEmpty()) {
                continue;
            }
            try {
                IpPrefix a = IpPrefix.address(f[0]);
                for (int i = 1; i < f.length; i++) {
                    out.add(new HostName(a, f[i], file + ":" + (n + 1)));
                }
            } catch (IllegalArgumentException e) {
                problems.add(file + ":" + (n + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }
}
