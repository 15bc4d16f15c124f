package cn.egov.isolation.enforce;

import java.util.List;

/**
 * Runs {@code nft}. The real one is {@link ProcessNft}; tests of the plain logic may pass
 * another, the network-namespace tests run the real one inside a namespace.
 */
public interface NftCommand {

    /** Runs {@code nft <args>} with {@code stdin} as standard input (null for none). */
    Result run(List<String> args, String stdin);

    /** Exit code and output of one run. */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }
}
