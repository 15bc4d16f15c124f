package cn.egov.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request by hand on a connection the client keeps open, for what {@code java.net.http}
 * will not send: a body shorter than its declared length (the rest never comes), as a client whose
 * body is still on its way. Jetty closes a connection whose body the handler did not read, so an
 * error answered before the body arrived must say {@code Connection: close}:
 *
 * <pre>{@code
 * String head = "POST /admin/notices HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2";
 * try (Socket s = new Socket("127.0.0.1", port)) {
 *     assertEquals("close", KeepAliveRequest.send(s, head, "").header("Connection"));
 * }
 * }</pre>
 *
 * The socket may be a TLS one (an {@code SSLSocket}).
 */
public final class KeepAliveRequest {

    /** The answer's status and headers (names lower-case); its body is not read. */
    public record Answer(int status, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private KeepAliveRequest() {
    }

    /** Sends {@code head} (request line and headers, without the blank line) and {@code body}; reads the answer's head. */
    public static Answer send(Socket socket, String head, String body) throws IOException {
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write((head + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return head(socket.getInputStream());
    }

    /** Reads an answer's head (status line and headers, up to the blank line); the body stays in {@code in}. */
    public static Answer head(InputStream in) throws IOException {
        int status = Integer.parseInt(line(in).split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).strip().toLowerCase(Locale.ROOT), l.substring(c + 1).strip());
        }
        return new Answer(status, headers);
    }

    /** One line of an HTTP head, without its CR LF. */
    public static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
