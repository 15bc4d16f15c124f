package cn.egov.manager.update;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.api.policy.PolicyScope;
import cn.egov.api.update.UpdateManifest;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.Database;
import cn.egov.manager.support.StoreKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The box updates' table ({@code box_updates}, part {@code update}) on both stores: each update gets
 * the next serial, also after the store is opened again (a box takes only a serial greater than the
 * one it has, so a restart must never hand out one twice).
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class BoxUpdateSignerStoreTest {

    @Parameter
    StoreKind kind;

    @TempDir
    Path dir;

    @Test
    void serialsGrowByOneAcrossARestartAndEachUpdateIsRecorded() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "pass".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, dir.resolve("signer.p12"), "pass".toCharArray());
            String url = kind.url(dir);
            PolicyScope county = PolicyScope.parse("county:130602");
            byte[] deb = "not really a package".getBytes(StandardCharsets.US_ASCII);

            BoxUpdateSigner first = new BoxUpdateSigner(kind.openUrl(url), key, Clock.systemUTC());
            assertEquals(1, first.sign(deb, "1.0.1", county).manifest().serial());
            assertEquals(2, first.sign(deb, "1.0.2", county).manifest().serial());

            Database reopened = kind.openUrl(url);
            BoxUpdateSigner second = new BoxUpdateSigner(reopened, key, Clock.systemUTC());
            BoxUpdateSigner.Signed third = second.sign(deb, "1.0.3", county);
            assertEquals(3, third.manifest().serial(), "the serial goes on from the stored ones");
            assertEquals(deb.length, third.manifest().size());

            try (Connection c = reopened.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT serial, version, scope, size FROM box_updates ORDER BY serial")) {
                StringBuilder rows = new StringBuilder();
                while (rs.next()) {
                    rows.append(rs.getLong(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3))
                            .append(' ').append(rs.getLong(4)).append('\n');
                }
                assertEquals("1 1.0.1 county:130602 20\n2 1.0.2 county:130602 20\n3 1.0.3 county:130602 20\n", rows.toString());
            }
        }
    }

    /** Two manager nodes on one store sign at the same time: every update gets a serial of its own, none is refused. */
    @Test
    void twoNodesSigningAtOnceNeverTakeTheSameSerial() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "pass".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, dir.resolve("signer.p12"), "pass".toCharArray());
            String url = kind.url(dir);
            PolicyScope county = PolicyScope.parse("county:130602");
            byte[] deb = "not really a package".getBytes(StandardCharsets.US_ASCII);
            List<BoxUpdateSigner> nodes = List.of(new BoxUpdateSigner(kind.openUrl(url), key, Clock.systemUTC()),
                    new BoxUpdateSigner(kind.openUrl(url), key, Clock.systemUTC()));
            int each = 8;
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<Long>>> signed = new ArrayList<>();
                for (BoxUpdateSigner node : nodes) {
                    signed.add(pool.submit(() -> {
                        List<Long> serials = new ArrayList<>();
                        for (int i = 0; i < each; i++) {
                            serials.add(node.sign(deb, "1.0." + i, county).manifest().serial());
                        }
                        return serials;
                    }));
                }
                Set<Long> all = new TreeSet<>();
                for (Future<List<Long>> f : signed) {
                    all.addAll(f.get(120, TimeUnit.SECONDS));
                }
                assertEquals(LongStream.rangeClosed(1, 2L * each).boxed().toList(), new ArrayList<>(all), "serials 1.." + 2 * each + ", each once");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
