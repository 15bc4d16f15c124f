package cn.egov.manager.web;

import cn.egov.lab.KeepAliveRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} will not send: a chunked body
 * written while the answer is read (so the server's early 413 is seen), a forged {@code Host}.
 */
final class RawHttp {

    /** What came back, and how much of the body the client managed to write. */
    record Answer(int status, Map<String, String> headers, String body, long bytesWritten) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /**
     * Sends {@code head} (request line and headers, without the blank line) and then, chunked,
     * {@code prefix} followed by filler bytes up to {@code total}, in 64 KiB chunks from a second
     * thread, while reading the answer.
     */
    static Answer chunked(URI base, String head, byte[] prefix, long total) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            s.setSoTimeout(120_000);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                byte[] filler = new byte[64 * 1024];
                Arrays.fill(filler, (byte) 'a');
                try {
                    writeChunk(out, prefix, prefix.length);
                    written.addAndGet(prefix.length);
                    while (written.get() < total) {
                        int n = (int) Math.min(filler.length, total - written.get());
                        writeChunk(out, filler, n);
                        written.addAndGet(n);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // the server closed the connection after answering: exactly what a bounded server does
                }
            }, "chunked-writer");
            writer.start();
            Answer a = read(s.getInputStream(), 0);
            s.close();
            writer.join(60_000);
            return new Answer(a.status(), a.headers(), a.body(), written.get());
        }
    }

    /** Sends a request without a body ({@code head} without the blank line) and reads the answer. */
    static Answer send(URI base, String head) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            return read(s.getInputStream(), 0);
        }
    }

    private static void writeChunk(OutputStream out, byte[] data, int n) throws IOException {
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data, 0, n);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Answer read(InputStream in, long written) throws IOException {
        KeepAliveRequest.Answer head = KeepAliveRequest.head(in);
        Map<String, String> headers = head.headers();
        byte[] body;
        String length = headers.get("content-length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int n = Integer.parseInt(line(in).split(";")[0].strip(), 16); n > 0; n = Integer.parseInt(line(in).split(";")[0].strip(), 16)) {
                b.write(in.readNBytes(n));
                line(in);
            }
            body = b.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Answer(head.status(), headers, new String(body, StandardCharsets.UTF_8), written);
    }

    private static String line(InputStream in) throws IOException {
        return KeepAliveRequest.line(in);
    }
}
