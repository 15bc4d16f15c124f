package cn.egov.isolation.enforce;

import cn.egov.rules.nft.NftNames;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ScratchNft} as a child process: the ruleset's commands ({@link cn.egov.rules.nft.NftRuleset#commands()},
 * one per line) on standard input of {@code <prefix> sh -c SCRIPT}, where {@link #SCRIPT} loads them
 * with {@code nft -f} and lists the table with {@code nft -j}. The namespaces go away with the
 * process: nothing is left to clean up, and nothing touches the box's own namespace.
 *
 * <p>Prefixes are tried in order until one can make the namespaces, and that one is kept:
 * {@code unshare --net} needs CAP_SYS_ADMIN (the CLI as root); the box service holds only
 * CAP_NET_ADMIN and CAP_NET_RAW, so it gets {@code unshare --user --net --keep-caps}, a user
 * namespace into which {@code --keep-caps} carries CAP_NET_ADMIN. There nft cannot enlarge its
 * netlink socket buffer (that needs CAP_NET_ADMIN in the initial user namespace), and a large
 * ruleset in one transaction fails with "Message too long": the script then loads the commands in
 * pieces of at most {@link #PIECE_BYTES} ({@code split -C}: whole lines only).
 */
public final class ProcessScratchNft implements ScratchNft {

    /** A plain network namespace (needs CAP_SYS_ADMIN): the ruleset loads in one transaction. */
    public static final String NET_NAMESPACE = "unshare --net";
    /** A user and a network namespace, CAP_NET_ADMIN kept: what the box service can make. */
    public static final String USER_NET_NAMESPACE = "unshare --user --net --keep-caps";
    /** Tried in order. */
    public static final List<String> DEFAULT_COMMANDS = List.of(NET_NAMESPACE, USER_NET_NAMESPACE);
    /**
     * Bytes of commands per {@code nft -f} when the ruleset is loaded in pieces. Measured with the
     * 10,000-prefix benchmark policy (bench/): 64 KB pieces exceeded the default socket buffer,
     * 32 KB did not; 24 KB leaves room for lines of rules, whose netlink form is the largest.
     */
    static final int PIECE_BYTES = 24_000;
    /** Exit code when the namespace's shell could not read the commands. */
    static final int NOT_READ = 5;
    /** Load in one transaction; only when nft cannot send that ("Message too long"), in pieces. */
    public static final String SCRIPT = "s=$(cat) || exit " + NOT_READ + "; "
            + "printf '%s\\n' \"$s\" | nft -f - 2>/dev/null "
            + "|| printf '%s\\n' \"$s\" | split -C " + PIECE_BYTES + " --filter='nft -f -' || exit " + REFUSED + "; "
            + "nft -j list table " + NftNames.FAMILY + " " + NftNames.TABLE + " || exit " + NOT_LISTED;

    private final List<ProcessNft> candidates = new ArrayList<>();
    private volatile int chosen;

    /** @param commandPrefixes each runs its arguments in new namespaces, e.g. {@code unshare --net}; tried in order */
    public ProcessScratchNft(List<String> commandPrefixes) {
        if (commandPrefixes.isEmpty()) {
            throw new IllegalArgumentException("no scratch namespace command");
        }
        for (String prefix : commandPrefixes) {
            List<String> cmd = new ArrayList<>(List.of(prefix.trim().split("\\s+")));
            cmd.addAll(List.of("sh", "-c", SCRIPT));
            candidates.add(new ProcessNft(cmd));
        }
    }

    /** With {@link #DEFAULT_COMMANDS}. */
    public static ProcessScratchNft standard() {
        return new ProcessScratchNft(DEFAULT_COMMANDS);
    }

    @Override
    public NftCommand.Result load(String commands) {
        NftCommand.Result r = null;
        for (int i = chosen; i < candidates.size(); i++) {
            r = candidates.get(i).run(List.of(), commands);
            if (r.ok() || r.exitCode() == REFUSED || r.exitCode() == NOT_LISTED) {
                chosen = i; // this one makes namespaces: keep it
                return r;
            }
        }
        return r;
    }
}
