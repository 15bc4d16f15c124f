package cn.egov.duty.lab;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs a piece of work on a fresh thread that first enters a lab network namespace
 * ({@code /run/netns/<name>}). Linux fixes a socket's namespace when the socket is made, so a
 * socket made here lives in that namespace for good, whichever thread uses it later: this is how
 * the test JVM puts the box's MQTT connection in the box namespace and a listener in the hub's.
 */
public final class Netns {

    private static final int CLONE_NEWNET = 0x40000000;

    private interface LibC extends Library {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private Netns() {
    }

    public static <T> T in(String ns, Callable<T> work) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            enter(ns);
            return work.call();
        });
        Thread t = new Thread(task, "netns-" + ns);
        t.setDaemon(true);
        t.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
        }
    }

    private static void enter(String ns) {
        int fd = Holder.LIBC.open("/run/netns/" + ns, 0);
        if (fd < 0) {
            throw new IllegalStateException("cannot open /run/netns/" + ns + " (errno " + Native.getLastError() + ")");
        }
        try {
            if (Holder.LIBC.setns(fd, CLONE_NEWNET) != 0) {
                throw new IllegalStateException("setns(" + ns + ") failed (errno " + Native.getLastError() + ")");
            }
        } finally {
            Holder.LIBC.close(fd);
        }
    }
}
