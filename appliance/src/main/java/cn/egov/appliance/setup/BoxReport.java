package cn.egov.appliance.setup;

import cn.egov.appliance.launch.BoxLiveness;
import cn.egov.appliance.launch.RuntimeStatus;
import cn.egov.appliance.launch.StatusFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the running box says about itself, read from its status file (as {@code appliance status}
 * does): healthy or not, the standing alarms and the self-test lines of every capability.
 */
record BoxReport(boolean healthy, List<String> alarms, List<Check> checks) {

    /** One self-test line: {@code selftest OUTCOME name: message}. */
    record Check(String outcome, String name, String message) {
        boolean ok() {
            return "OK".equals(outcome);
        }

        String line() {
            return outcome + " " + name + ": " + message;
        }
    }

    /** The box's report, or a SetupException saying that it does not run and how to start it. */
    static BoxReport read(Path data) throws SetupException {
        BoxLiveness.Verdict v;
        try {
            v = BoxLiveness.judge(data, StatusFile.staleAfter(), Instant.now());
        } catch (IOException e) {
            throw new SetupException("cannot read the box's status in " + data + ": " + e.getMessage());
        }
        if (v.state() != BoxLiveness.State.RUNNING) {
            throw new SetupException(v.message() + ": start the box first (systemctl start egov-box)");
        }
        return parse(v.status());
    }

    static BoxReport parse(String status) {
        List<String> alarms = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        boolean healthy = false;
        for (String line : status.lines().toList()) {
            if (line.equals("healthy true")) {
                healthy = true;
            } else if (line.startsWith(RuntimeStatus.ALARM_LINE)) {
                alarms.add(line.substring(RuntimeStatus.ALARM_LINE.length()));
            } else if (line.startsWith(RuntimeStatus.SELFTEST_LINE)) {
                String rest = line.substring(RuntimeStatus.SELFTEST_LINE.length());
                int space = rest.indexOf(' ');
                int colon = rest.indexOf(": ", space + 1);
                if (space > 0 && colon > space) {
                    checks.add(new Check(rest.substring(0, space), rest.substring(space + 1, colon), rest.substring(colon + 2)));
                }
            }
        }
        return new BoxReport(healthy, alarms, checks);
    }

    /** The self-test line whose name starts with {@code prefix} (the Chinese title), if the box runs that check. */
    Optional<Check> check(String prefix) {
        return checks.stream().filter(c -> c.name().startsWith(prefix)).findFirst();
    }
}
