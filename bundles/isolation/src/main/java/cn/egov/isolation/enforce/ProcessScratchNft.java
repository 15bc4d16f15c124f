package cn.egov.isolation.enforce;

import cn.egov.rules.nft.NftNames;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ScratchNft} as a child process: {@code <prefix> sh -c 'nft -f - || exit 3; nft -j list table inet egov || exit 4'}.
 * The default prefix, {@code unshare --user --net --keep-caps}, makes a user and a network
 * namespace: the box service holds only CAP_NET_ADMIN and CAP_NET_RAW (no CAP_SYS_ADMIN, which a
 * plain {@code unshare --net} or {@code ip netns add} needs), and {@code --keep-caps} carries its
 * CAP_NET_ADMIN into the new namespaces, where nft needs it. Both go away when the process ends:
 * nothing is left to clean up, and nothing touches the box's own namespace.
 */
public final class ProcessScratchNft implements ScratchNft {

    /** The default command prefix that runs a program in new, empty namespaces. */
    public static final String DEFAULT_COMMAND = "unshare --user --net --keep-caps";

    private final ProcessNft process;

    /** @param commandPrefix runs its arguments in a new network namespace, e.g. {@code unshare --net} */
    public ProcessScratchNft(List<String> commandPrefix) {
        List<String> cmd = new ArrayList<>(commandPrefix);
        cmd.addAll(List.of("sh", "-c", "nft -f - || exit " + REFUSED + "; nft -j list table " + NftNames.FAMILY + " "
                + NftNames.TABLE + " || exit " + NOT_LISTED));
        this.process = new ProcessNft(cmd);
    }

    /** With {@link #DEFAULT_COMMAND}. */
    public static ProcessScratchNft standard() {
        return new ProcessScratchNft(List.of(DEFAULT_COMMAND.split(" ")));
    }

    @Override
    public NftCommand.Result load(String script) {
        return process.run(List.of(), script);
    }
}
