package cn.egov.bench.portal;

import cn.egov.api.portal.SignedSnapshot;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.portal.SnapshotVerifier;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.portal.PortalCommand;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.pki.store.TlsContexts;
import cn.egov.portal.mirror.HttpsManagerClient;
import cn.egov.portal.mirror.MirrorStore;
import cn.egov.portal.mirror.ServedSites;
import cn.egov.portal.mirror.SignerRevocation;
import cn.egov.portal.mirror.SnapshotSync;
import cn.egov.portal.mirror.SyncOutcome;
import cn.egov.portal.mirror.VerifiedBlobs;
import cn.egov.rules.unit.UnitCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import picocli.CommandLine;

/**
 * Sync time of a 100 MB site after 1 % of its files change, against {@code rsync} of the same
 * change, in one run:
 * <ol>
 *   <li>the box's sync in process ({@link SnapshotSync} over mutual TLS to the real manager's content
 *       server, this JVM): index, signed snapshot, verification, the changed files fetched and hashed,
 *       kept, swapped;</li>
 *   <li>the real box process ({@code appliance run}) doing the same, timed as the wall time of
 *       {@code appliance portal sync} (which returns when the sync is done; the command's own JVM start
 *       is timed apart with {@code appliance portal status});</li>
 *   <li>rsync (Debian's, 3.5.0 here) to an rsync daemon on loopback ({@code rsync -a --delete DIR/ rsync://...}), the
 *       same files changed: no encryption, no signature, no hash of every changed file's content
 *       against a signed list; and once more with {@code --fsync} to a second copy, each file forced to
 *       disk as the box forces what it fetched.</li>
 * </ol>
 * Publishing the change (the CLI's listing of 100 MB, upload of what changed, signing) is timed too.
 *
 * <pre>
 * java -cp ... cn.egov.bench.portal.PortalSyncBench WORKDIR APPLIANCE_DIST [rounds]
 * </pre>
 */
public final class PortalSyncBench {

    private static final String SITE = "www.bd.gov.cn";
    private static final UnitCode UNIT = UnitCode.parse("130602-001");
    private static final char[] PASS = "bench-passphrase".toCharArray();
    private static final String NOC = "noc-token-0123456789abcdef";
    private static final int FILES = 1000;
    private static final int FILE_BYTES = 100 * 1024 * 1024 / FILES;

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args[0]));
        Path dist = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path site = work.resolve("site");
        List<String> paths = SiteGenerator.bulk(site, FILES, FILE_BYTES, 7);
        System.out.printf("site: %d files of %d bytes (%d MB)%n", paths.size(), FILE_BYTES, (long) FILES * FILE_BYTES >> 20);

        try (ProvincialCa ca = ProvincialCa.create(work.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
             ManagerAssembly manager = ManagerAssembly.start(new ManagerConfig("bench", Map.of(ConfigKey.DATA_DIR, work.resolve("manager").toString(),
                     ConfigKey.BROKER_PORT, "0", ConfigKey.WEB_PORT, "0", ConfigKey.AUTH_NOC_TOKEN, NOC),
                     Map.of("portal.port", "0", "portal.max-file-bytes", "" + (FILE_BYTES * 2))), ManagerAssembly.Options.defaults().withTlsCa(ca))) {
            Path token = Files.writeString(work.resolve("noc.token"), NOC);
            String port = new com.fasterxml.jackson.databind.ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(manager.webUrl() + "/api/portal/server")).header("Authorization", "Bearer " + NOC).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("port").asText();
            URI content = URI.create("https://127.0.0.1:" + port);
            long t0 = System.nanoTime();
            publish(manager, token, site, "1306");
            System.out.printf("first publication (100 MB listed, uploaded, signed): %.1f s%n", (System.nanoTime() - t0) / 1e9);

            // the boxes: in process, and the real box process, each with its own certificate and state
            BoxCredentials inProc = credentials(ca);
            BoxCredentials proc = credentials(ca);
            MirrorStore store = new MirrorStore(work.resolve("box-in-process"));
            try (SnapshotSync sync = new SnapshotSync(store, new VerifiedBlobs(store), new ServedSites("", UNIT),
                    () -> new SnapshotVerifier(List.of(ca.rootCertificate()), Clock.systemUTC()), SignerRevocation.NONE, UNIT,
                    new SnapshotSync.Limits(FILE_BYTES * 2L, SignedSnapshot.MAX_BYTES, 0, 3, 4, EnumSet.allOf(SiteNode.Level.class)), PortalServeBench.NOTHING,
                    Clock.systemUTC())) {
                HttpsManagerClient client = new HttpsManagerClient(content, TlsContexts.of(inProc), Duration.ofSeconds(60));
                t0 = System.nanoTime();
                expectAccepted(sync.syncAll(client));
                System.out.printf("first sync in process (100 MB): %.1f s%n", (System.nanoTime() - t0) / 1e9);

                Process box = startBox(work, dist, ca, proc, content);
                Path rsyncDst = Files.createDirectories(work.resolve("rsync-dst"));
                Process rsyncd = startRsyncDaemon(work, rsyncDst);
                try {
                    awaitServed(work, dist, 1);
                    String rsyncUrl = "rsync://127.0.0.1:" + rsyncPort + "/site/";
                    t0 = System.nanoTime();
                    PortalServeBench.run("rsync", "-a", "--delete", site + "/", rsyncUrl);
                    System.out.printf("first rsync (100 MB): %.1f s%n", (System.nanoTime() - t0) / 1e9);
                    PortalServeBench.run("rsync", "-a", "--delete", site + "/", rsyncUrl.replace("/site/", "/site2/"));

                    List<Double> pub = new ArrayList<>();
                    List<Double> in = new ArrayList<>();
                    List<Double> whole = new ArrayList<>();
                    List<Double> cli = new ArrayList<>();
                    List<Double> rsync = new ArrayList<>();
                    List<Double> rsyncFsync = new ArrayList<>();
                    Random r = new Random(99);
                    for (int round = 1; round <= rounds; round++) {
                        List<String> change = new ArrayList<>(paths.subList(1, paths.size()));
                        Collections.shuffle(change, r);
                        change = change.subList(0, FILES / 100);
                        SiteGenerator.change(site, change, round);
                        t0 = System.nanoTime();
                        publish(manager, token, site, null);
                        pub.add((System.nanoTime() - t0) / 1e6);

                        t0 = System.nanoTime();
                        List<SyncOutcome> o = sync.syncAll(client);
                        in.add((System.nanoTime() - t0) / 1e6);
                        expectAccepted(o);
                        if (o.get(0).filesFetched() != FILES / 100) {
                            throw new IllegalStateException("fetched " + o.get(0).filesFetched() + " files, not " + FILES / 100);
                        }

                        // the real box process, asked through its own admin endpoint (what 'appliance portal sync' calls)
                        t0 = System.nanoTime();
                        String out = adminSync(work.resolve("box-process/portal"));
                        whole.add((System.nanoTime() - t0) / 1e6);
                        if (!out.contains("\"status\":\"ACCEPTED\"")) {
                            throw new IllegalStateException("the box process did not take version " + (round + 1) + ":\n" + out);
                        }
                        // and the command a technician types: the same plus a JVM start (timed on 'status', which changes nothing)
                        t0 = System.nanoTime();
                        PortalServeBench.run(dist.resolve("bin/appliance").toString(), "portal", "status", "--state",
                                work.resolve("box-process/portal").toString());
                        cli.add((System.nanoTime() - t0) / 1e6);

                        t0 = System.nanoTime();
                        PortalServeBench.run("rsync", "-a", "--delete", site + "/", rsyncUrl);
                        rsync.add((System.nanoTime() - t0) / 1e6);
                        // the same change once more to a second copy, each file forced to disk as the box does
                        t0 = System.nanoTime();
                        PortalServeBench.run("rsync", "-a", "--delete", "--fsync", site + "/", rsyncUrl.replace("/site/", "/site2/"));
                        rsyncFsync.add((System.nanoTime() - t0) / 1e6);
                        System.out.printf("round %d: publish %.0f ms, box in process %.0f ms, box process %.0f ms (CLI JVM %.0f ms), rsync %.0f ms,"
                                        + " rsync --fsync %.0f ms%n", round, pub.get(round - 1), in.get(round - 1), whole.get(round - 1),
                                cli.get(round - 1), rsync.get(round - 1), rsyncFsync.get(round - 1));
                    }
                    System.out.println();
                    System.out.println("| 1 % of 100 MB changed (10 files, 1 MB) | median ms | min ms | max ms |");
                    System.out.println("|---|---:|---:|---:|");
                    row("box sync in process (mutual TLS, verify, fetch 10, hash, keep, swap)", in);
                    row("box process (`appliance run`), asked through its admin endpoint", whole);
                    row("`appliance portal status` (the CLI's JVM start that `appliance portal sync` adds)", cli);
                    row("rsync -a --delete to an rsync daemon on loopback (baseline)", rsync);
                    row("rsync -a --delete --fsync (baseline, each file forced to disk like the box)", rsyncFsync);
                    row("publish at the manager (`manager portal publish`: list 100 MB, upload 1 MB, sign)", pub);
                } finally {
                    PortalServeBench.stop(box);
                    PortalServeBench.stop(rsyncd);
                }
            }
        }
    }

    /** POST /admin/sync to the box process, with the address and token it wrote to admin.json. */
    private static String adminSync(Path state) throws Exception {
        Map<?, ?> admin = (Map<?, ?>) cn.egov.api.json.JsonValues.parse(Files.readString(state.resolve("admin.json")));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(admin.get("url") + "/admin/sync"))
                .header("Authorization", "Bearer " + admin.get("token")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void row(String what, List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        System.out.printf("| %s | %.0f | %.0f | %.0f |%n", what, s.get(s.size() / 2), s.get(0), s.get(s.size() - 1));
    }

    private static void expectAccepted(List<SyncOutcome> o) {
        if (o.isEmpty() || o.get(0).status() != SyncOutcome.Status.ACCEPTED) {
            throw new IllegalStateException("sync: " + o);
        }
    }

    private static void publish(ManagerAssembly manager, Path token, Path site, String owner) {
        List<String> args = new ArrayList<>(List.of("publish", "--url", manager.webUrl(), "--token-file", token.toString(), "--site", SITE,
                "--dir", site.toString()));
        if (owner != null) {
            args.addAll(List.of("--owner", owner));
        }
        int rc = new CommandLine(new PortalCommand()).execute(args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("publish exited " + rc);
        }
    }

    private static BoxCredentials credentials(ProvincialCa ca) throws Exception {
        KeyPair k = KeyPairs.p256();
        return new BoxCredentials(k.getPrivate(), List.of(ca.issueBox(k.getPublic(), UNIT, "jyj.jingxiu.gov.cn"), ca.issuingCertificate()),
                List.of(ca.issuingCertificate(), ca.rootCertificate()));
    }

    private static Process startBox(Path work, Path dist, ProvincialCa ca, BoxCredentials creds, URI content) throws Exception {
        Path root = Files.createDirectories(work.resolve("box-process"));
        Path config = Files.createDirectories(root.resolve("config"));
        Path keyStore = root.resolve("box.p12");
        new BoxKeyStore(keyStore, new char[0]).save(creds);
        PemFiles.write(Files.createDirectories(root.resolve("trust")).resolve("root.pem"), ca.rootCertificate());
        Files.writeString(config.resolve("cn.egov.identity.cfg"), "unit.code = " + UNIT + "\nserial.number = BENCH-2\n");
        // no broker: the box syncs when asked (appliance portal sync), not when an index arrives
        Files.writeString(config.resolve("cn.egov.telemetry.cfg"), "broker.url = tcp://127.0.0.1:1\noutbox.path = ${data}/outbox.db\n"
                + "outbox.sync = NORMAL\n");
        Files.writeString(config.resolve("cn.egov.pki.cfg"), "key.store.path = " + keyStore + "\ntrust.store.paths = " + root.resolve("trust")
                + "\nest.url = https://127.0.0.1:1\n");
        Files.writeString(config.resolve("cn.egov.isolation.enforce.cfg"), "policy.directory = ${data}/no-policy\nlock.file = ${data}/nft.lock\n");
        Files.writeString(config.resolve("cn.egov.portal.cfg"), "manager.url = " + content + "\nstate.directory = " + root.resolve("portal")
                + "\nhttp.bind = 127.0.0.1\nhttp.port = 0\nhttps.port = -1\nadmin.port = 0\npoll.interval.s = 86400\nprobe.interval.s = 86400\n"
                + "max.file.bytes = " + FILE_BYTES * 2L + "\nreserve.disk.bytes = 0\n");
        return new ProcessBuilder(dist.resolve("bin/appliance").toString(), "run", "--config", config.toString(), "--data",
                root.resolve("data").toString()).redirectErrorStream(true).redirectOutput(root.resolve("box.out").toFile()).start();
    }

    /** Waits until the box process serves {@code version} (its first poll fetches the whole site). */
    private static void awaitServed(Path work, Path dist, long version) throws Exception {
        for (int i = 0; i < 1200; i++) {
            try {
                String s = PortalServeBench.run(dist.resolve("bin/appliance").toString(), "portal", "status", "--state",
                        work.resolve("box-process/portal").toString());
                if (s.contains("version: " + version)) {
                    return;
                }
            } catch (IllegalStateException e) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the box process never served version " + version);
    }

    private static int rsyncPort;

    private static Process startRsyncDaemon(Path work, Path dst) throws Exception {
        rsyncPort = PortalServeBench.freePort();
        Path conf = work.resolve("rsyncd.conf");
        Path dst2 = Files.createDirectories(dst.resolveSibling(dst.getFileName() + "-2"));
        Files.writeString(conf, "use chroot = no\nuid = root\ngid = root\npid file = " + work.resolve("rsyncd.pid") + "\n[site]\n  path = " + dst
                + "\n  read only = no\n[site2]\n  path = " + dst2 + "\n  read only = no\n");
        Process p = new ProcessBuilder("rsync", "--daemon", "--no-detach", "--config=" + conf, "--port=" + rsyncPort, "--address=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(work.resolve("rsyncd.out").toFile()).start();
        PortalServeBench.awaitPort(rsyncPort);
        return p;
    }
}
