package cn.egov.manager.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One HTTP/1.1 connection kept open after its first answer (keep-alive), for connection limits: its request is written and
 * its status line read on its own thread, so a connection the server has not accepted (waiting in the listen backlog, its
 * TLS handshake unanswered) shows as not {@link #answered()} without blocking the test.
 */
public final class HeldConnection implements AutoCloseable {

    private final Socket socket;
    private final AtomicReference<String> statusLine = new AtomicReference<>();

    /** Starts the request {@code GET path} on {@code socket} (plain or TLS, connected). */
    public HeldConnection(Socket socket, String host, String path) {
        this.socket = socket;
        Thread t = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
                statusLine.set(line == null ? "closed" : line);
            } catch (IOException e) {
                statusLine.compareAndSet(null, "failed: " + e);
            }
        }, "held-connection");
        t.setDaemon(true);
        t.start();
    }

    /** True once the server answered (or the connection ended). */
    public boolean answered() {
        return statusLine.get() != null;
    }

    /** The answer's status line, or null while none came. */
    public String statusLine() {
        return statusLine.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
