package cn.egov.isolation.enforce;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the nft binary as a child process. The command prefix is normally {@code nft}; in the
 * lab it is {@code ip netns exec <ns> nft}.
 */
public final class ProcessNft implements NftCommand {

    /** nft on a loaded box finishes in well under a second; this only guards against a hang. */
    static final long TIMEOUT_SECONDS = 60;

    private final List<String> prefix;

    public ProcessNft(List<String> commandPrefix) {
        if (commandPrefix.isEmpty()) {
            throw new IllegalArgumentException("empty nft command");
        }
        this.prefix = List.copyOf(commandPrefix);
    }

    /** {@code nft} from the PATH. */
    public static ProcessNft local() {
        return new ProcessNft(List.of("nft"));
    }

    /** {@code ip netns exec <namespace> nft}. */
    public static ProcessNft inNamespace(String namespace) {
        return new ProcessNft(List.of("ip", "netns", "exec", namespace, "nft"));
    }

    @Override
    public Result run(List<String> args, String stdin) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<String> out = read(p.getInputStream());
            CompletableFuture<String> err = read(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "", String.join(" ", cmd) + ": timed out");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            return new Result(127, "", "cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "", "interrupted");
        }
    }

    private static CompletableFuture<String> read(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try (s) {
                return new String(s.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
