package cn.egov.isolation.route;

import java.util.List;

/**
 * Runs iproute2's {@code ip}. The real one is {@link ProcessIp}; in the lab it runs inside a
 * network namespace.
 */
public interface IpCommand {

    /** Runs {@code ip <args>} with {@code stdin} as standard input (null for none). */
    Result run(List<String> args, String stdin);

    /** Exit code and output of one run. */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }
}
