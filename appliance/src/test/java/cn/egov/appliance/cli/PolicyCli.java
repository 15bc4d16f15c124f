package cn.egov.appliance.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code appliance policy ...} in this JVM against a lab box namespace, capturing its output. */
final class PolicyCli {

    record Run(int exit, String out, String err) {
    }

    private PolicyCli() {
    }

    /** {@code policy --nft 'ip netns exec BOX nft' --ip 'ip netns exec BOX ip' --lock LOCK OPTIONS... ARGS...}. */
    static Run run(String box, Path lock, List<String> options, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            List<String> all = new ArrayList<>(List.of("--nft", "ip netns exec " + box + " nft", "--ip", "ip netns exec " + box + " ip",
                    "--lock", lock.toString()));
            all.addAll(options);
            all.addAll(List.of(args));
            int exit = new CommandLine(new PolicyCommand()).execute(all.toArray(String[]::new));
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
