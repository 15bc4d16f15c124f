package cn.egov.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The box's link to the broker as a TCP relay on loopback that a test can cut (every connection
 * closed, new ones refused) and restore, and whose box-to-broker direction can be throttled to a
 * byte rate, so that a backlog takes long enough to drain for a test to act in the middle of it.
 */
final class LinkRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int brokerPort;
    private final long bytesPerSecond;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean up = true;

    /** @param bytesPerSecond box-to-broker rate, or 0 for none */
    LinkRelay(int brokerPort, long bytesPerSecond) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.brokerPort = brokerPort;
        this.bytesPerSecond = bytesPerSecond;
        this.acceptor = new Thread(this::accept, "link-relay");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** The link goes down: every connection is closed and new ones are refused until {@link #restore()}. */
    void cut() {
        up = false;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    void restore() {
        up = true;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket box = server.accept();
                if (!up) {
                    closeQuietly(box);
                    continue;
                }
                Socket broker = new Socket();
                broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), brokerPort), 5_000);
                open.add(box);
                open.add(broker);
                pump(box, broker, bytesPerSecond);
                pump(broker, box, 0);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, long rate) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[rate > 0 ? 512 : 16 * 1024];
            long started = System.nanoTime();
            long moved = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                    moved += n;
                    if (rate > 0) {
                        long due = started + moved * 1_000_000_000L / rate;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the link was cut or one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "link-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
