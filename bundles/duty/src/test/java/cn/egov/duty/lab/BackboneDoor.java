package cn.egov.duty.lab;

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
 * The manager's MQTT door on the backbone: a listener made inside the hub's namespace on a backbone
 * address (behind the hub's end of the tunnel), passing each connection byte for byte to the
 * manager's broker on the test host's loopback. TLS runs end to end between box and broker; the
 * door only carries TCP, as the backbone's routers do.
 */
public final class BackboneDoor implements AutoCloseable {

    private final ServerSocket server;
    private final int brokerPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public BackboneDoor(String hubNs, String address, int port, int brokerPort) throws Exception {
        this.brokerPort = brokerPort;
        this.server = Netns.in(hubNs, () -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return s;
        });
        Thread acceptor = new Thread(this::accept, "backbone-door");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket box = server.accept();
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
                open.add(box);
                open.add(broker);
                pump(box, broker);
                pump(broker, box);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                close(from);
                close(to);
                open.remove(from);
                open.remove(to);
            }
        }, "backbone-door-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(BackboneDoor::close);
    }
}
