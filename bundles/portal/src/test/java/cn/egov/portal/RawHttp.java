package cn.egov.portal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 by hand for tests: the JDK client will not send a Host header of our choice (virtual
 * hosts), nor leave out the ones we do not want.
 */
final class RawHttp {

    /** A response: status, headers (lower-case names), body. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {
    }

    static Reply get(int port, String host, String path, String... headers) throws IOException {
        return request(port, "GET", host, path, null, headers);
    }

    static Reply request(int port, String method, String host, String path, byte[] body, String... headers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            if (body != null) {
                req.append("Content-Length: ").append(body.length).append("\r\n");
            }
            req.append("\r\n");
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                s.getOutputStream().write(body);
            }
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String status = line(in);
            Map<String, String> hs = new LinkedHashMap<>();
            for (String l; !(l = line(in)).isEmpty(); ) {
                int c = l.indexOf(':');
                hs.merge(l.substring(0, c).strip().toLowerCase(Locale.ROOT), l.substring(c + 1).strip(), (a, b) -> a + ", " + b);
            }
            byte[] b;
            if (method.equals("HEAD") || status.contains(" 304 ")) {
                b = new byte[0];
            } else if (hs.containsKey("content-length")) {
                b = in.readNBytes(Integer.parseInt(hs.get("content-length")));
            } else {
                b = in.readAllBytes();
            }
            return new Reply(Integer.parseInt(status.substring(9, 12)), hs, b);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
