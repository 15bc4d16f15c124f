package cn.egov.isolation.route;

import cn.egov.isolation.enforce.NftCommand;
import cn.egov.isolation.enforce.ProcessNft;
import java.util.List;

/**
 * Runs the ip binary as a child process: {@code ip} on the box, {@code ip netns exec <ns> ip}
 * in the lab. The process handling (timeout, output capture) is {@link ProcessNft}'s, which runs
 * any command prefix.
 */
public final class ProcessIp implements IpCommand {

    private final ProcessNft process;

    public ProcessIp(List<String> commandPrefix) {
        this.process = new ProcessNft(commandPrefix);
    }

    /** {@code ip} from the PATH. */
    public static ProcessIp local() {
        return new ProcessIp(List.of("ip"));
    }

    /** {@code ip netns exec <namespace> ip}. */
    public static ProcessIp inNamespace(String namespace) {
        return new ProcessIp(List.of("ip", "netns", "exec", namespace, "ip"));
    }

    @Override
    public Result run(List<String> args, String stdin) {
        NftCommand.Result r = process.run(args, stdin);
        return new Result(r.exitCode(), r.stdout(), r.stderr());
    }
}
