package cn.egov.isolation.capture;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Moves the calling thread into a named network namespace ({@code ip netns} style, under
 * {@code /run/netns}). Linux keeps the network namespace per thread, so a capture thread can watch
 * the interfaces of a namespace while the rest of the JVM stays where it is: the box runs its
 * monitor in the root namespace; lab tests and benchmarks watch a namespace they created.
 */
public final class NetworkNamespace {

    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final String NETNS_DIR = "/run/netns/";

    private interface LibC extends Library {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private NetworkNamespace() {
    }

    /**
     * Enters namespace {@code name} for the calling thread only.
     *
     * @throws IllegalStateException when the namespace does not exist or the call is refused
     */
    public static void enter(String name) {
        if (name.contains("/") || name.isBlank()) {
            throw new IllegalArgumentException("not a namespace name: '" + name + "'");
        }
        int fd = Holder.LIBC.open(NETNS_DIR + name, O_RDONLY);
        if (fd < 0) {
            throw new IllegalStateException("cannot open " + NETNS_DIR + name + " (errno " + Native.getLastError() + ")");
        }
        try {
            if (Holder.LIBC.setns(fd, CLONE_NEWNET) != 0) {
                throw new IllegalStateException("setns(" + name + ") failed (errno " + Native.getLastError() + ")");
            }
        } finally {
            Holder.LIBC.close(fd);
        }
    }
}
