package cn.egov.bench.exchange;

import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.exchange.store.DeliveryState;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.rules.unit.UnitCode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end exchange throughput, box → hub → box: box A stores {@code n} documents of {@code size}
 * bytes while its backbone is down; when it comes back, the time until box A holds a verified
 * receipt for every one (outbox drain over MQTT/TLS, the hub's store and routing, box B's store,
 * decryption, verification and receipt, the receipt's way back). Everything in one JVM: the
 * manager with its embedded Artemis (TLS listener, certificates of the CA) and two boxes with the
 * real telemetry stack (SQLite outbox, FULL sync). Baseline in the same run: {@code curl} uploading
 * the same files (HTTP PUT, one connection, TLS) to nginx writing them to disk.
 *
 * <pre>java -cp <bench class path> cn.egov.bench.exchange.ExchangeFlowBench [documents=200] [size-bytes=1048576]</pre>
 */
public final class ExchangeFlowBench {

    static final UnitCode A = UnitCode.parse("130602-001");
    static final UnitCode B = UnitCode.parse("130602-002");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        Path dir = Files.createTempDirectory("exchange-flow-bench");
        Path in = Files.createDirectories(dir.resolve("in"));
        List<byte[]> contents = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            contents.add(b);
            Files.write(in.resolve("doc-" + i + ".pdf"), b);
        }
        System.out.printf(Locale.ROOT, "%d documents of %d bytes; %s; %d cores%n", n, size, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        double[] ours = exchange(dir, contents, size);
        double[] curl = curlToNginx(dir, n, size);
        System.out.printf(Locale.ROOT, "exchange box -> hub -> box with receipts: %.1f documents/s, %.1f MB/s%n", ours[0], ours[1]);
        System.out.printf(Locale.ROOT, "curl PUT to nginx (TLS, one connection): %.1f documents/s, %.1f MB/s%n", curl[0], curl[1]);
        System.out.printf(Locale.ROOT, "ratio %.2f (documents/s)%n", ours[0] / curl[0]);
    }

    static double[] exchange(Path dir, List<byte[]> contents, int size) throws Exception {
        int n = contents.size();
        try (BenchPki pki = new BenchPki(dir.resolve("ca"))) {
            Path trust = dir.resolve("trust.pem");
            PemFiles.write(trust, pki.ca.rootCertificate(), pki.ca.issuingCertificate(), pki.ca.sm2SigningCaCertificate());
            ManagerConfig base = ManagerConfig.defaults().with(ConfigKey.DATA_DIR, dir.resolve("manager")).with(ConfigKey.BROKER_PORT, 0)
                    .with(ConfigKey.WEB_PORT, 0).with(ConfigKey.BROKER_TLS_PORT, 0);
            Map<String, String> ext = new HashMap<>(base.extensions());
            ext.put("exchange.trust-file", trust.toString());
            ext.put("exchange.max-document-bytes", Long.toString(4L * size + (1 << 20)));
            ManagerConfig config = new ManagerConfig("bench", base.values(), ext);
            TrustAnchors anchors = new TrustAnchors(List.of(pki.ca.rootCertificate()), List.of(pki.ca.issuingCertificate()), Clock.systemUTC());
            try (ManagerAssembly manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withTlsCa(pki.ca));
                 BenchBox a = new BenchBox(pki, A.toString(), Files.createDirectories(dir.resolve("a")), List.of(pki.unit(A, false)), anchors,
                         manager.brokerTlsUrl(), 2L * size);
                 BenchBox b = new BenchBox(pki, B.toString(), Files.createDirectories(dir.resolve("b")), List.of(pki.unit(B, false)), anchors,
                         manager.brokerTlsUrl(), 2L * size)) {
                a.service.register();
                b.service.register();
                await("the directory at box A", () -> a.store.directory(B.toString()).isPresent());
                a.connect(BenchBox.UNREACHABLE);
                List<String> ids = new ArrayList<>();
                long t0 = System.nanoTime();
                for (byte[] c : contents) {
                    Instant now = Instant.now();
                    ids.add(a.service.send(new Document(new DocumentMeta(MessageIds.newId(), "冀文〔2026〕1号", "bench", A, List.of(B),
                            Urgency.ROUTINE, Classification.NON_SECRET, now.plus(Duration.ofDays(1)), now),
                            List.of(new Part("正文.pdf", "application/pdf", c)))).messageId());
                }
                double stored = n / ((System.nanoTime() - t0) / 1e9);
                System.out.printf(Locale.ROOT, "box A stored %d documents while offline: %.1f documents/s (seal + SQLite + outbox)%n", n, stored);
                long t1 = System.nanoTime();
                a.connect(manager.brokerTlsUrl());
                await("every receipt at box A", () -> a.store.outgoingCounts().get(DeliveryState.RECEIVED) == n);
                double seconds = (System.nanoTime() - t1) / 1e9;
                if (b.store.inbox(List.of(B.toString()), null, n + 10).size() != n) {
                    throw new IllegalStateException("box B's inbox does not hold each document once");
                }
                return new double[] {n / seconds, (double) n * size / seconds / 1e6};
            }
        }
    }

    /** nginx with TLS on a free loopback port, writing every PUT to disk; one curl process uploads every file over one connection. */
    static double[] curlToNginx(Path dir, int n, int size) throws Exception {
        Path ng = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(ng.resolve("www/up"));
        Files.createDirectories(ng.resolve("tmp"));
        KeyPair k = KeyPairs.p256();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process req = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", ng.resolve("key.pem").toString(), "-out", ng.resolve("cert.pem").toString(), "-days", "2", "-subj", "/CN=localhost")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (req.waitFor() != 0 || k == null) {
            throw new IllegalStateException("openssl req failed");
        }
        Files.writeString(ng.resolve("nginx.conf"), """
                # run as root (as the bench is): the workers write into the bench's private temporary folder
                user root;
                worker_processes auto;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp;
                    proxy_temp_path %1$s/tmp; fastcgi_temp_path %1$s/tmp; uwsgi_temp_path %1$s/tmp; scgi_temp_path %1$s/tmp;
                    client_max_body_size 64m;
                    server {
                        listen 127.0.0.1:%2$d ssl;
                        ssl_certificate %1$s/cert.pem;
                        ssl_certificate_key %1$s/key.pem;
                        root %1$s/www;
                        location /up/ { dav_methods PUT; }
                    }
                }
                """.formatted(ng, port));
        Process nginx = new ProcessBuilder("nginx", "-p", ng.toString(), "-c", ng.resolve("nginx.conf").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(ng.resolve("nginx.out").toFile()).start();
        try {
            await("nginx", () -> {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            StringBuilder cfg = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    cfg.append("next\n");
                }
                cfg.append("url = \"https://127.0.0.1:").append(port).append("/up/doc-").append(i).append(".pdf\"\n")
                        .append("upload-file = \"").append(dir.resolve("in/doc-" + i + ".pdf")).append("\"\n")
                        .append("insecure\nsilent\nfail\noutput = \"/dev/null\"\n");
            }
            Path cfgFile = Files.writeString(ng.resolve("upload.curl"), cfg.toString());
            long t0 = System.nanoTime();
            Process curl = new ProcessBuilder("curl", "-K", cfgFile.toString()).inheritIO().start();
            if (!curl.waitFor(30, TimeUnit.MINUTES) || curl.exitValue() != 0) {
                throw new IllegalStateException("curl failed");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            try (var stored = Files.list(ng.resolve("www/up"))) {
                if (stored.count() != n) {
                    throw new IllegalStateException("nginx did not store every file");
                }
            }
            return new double[] {n / seconds, (double) n * size / seconds / 1e6};
        } finally {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(String what, Check c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
