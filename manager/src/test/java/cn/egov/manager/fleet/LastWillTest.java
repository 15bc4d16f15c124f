package cn.egov.manager.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.telemetry.StandaloneTelemetry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real box process (the telemetry part's standalone runtime, in its own JVM) connects, sends
 * BIRTH and health; killed with SIGKILL it sends nothing more, and the broker's last will makes it
 * DISCONNECTED.
 */
class LastWillTest {

    @TempDir
    Path dir;

    @Test
    void killedBoxBecomesDisconnectedThroughItsLastWill() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir.resolve("manager"))) {
            Properties p = new Properties();
            p.setProperty("unit.code", "130602-007");
            p.setProperty("serial.number", "SN-LWT-1");
            p.setProperty("display.name", "保定市竞秀区测试单位");
            p.setProperty("broker.url", m.brokerUrl());
            p.setProperty("username", "130602-007");
            p.setProperty("password", ManagerFixture.labPassword(m, "130602-007"));
            p.setProperty("account", "hebei");
            p.setProperty("health.interval.s", "1");
            p.setProperty("outbox.path", dir.resolve("box/outbox.db").toString());
            Files.createDirectories(dir.resolve("box"));
            Path cfg = dir.resolve("box/box.properties");
            try (var w = Files.newBufferedWriter(cfg)) {
                p.store(w, "LastWillTest box");
            }
            Process box = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", System.getProperty("java.class.path"), StandaloneTelemetry.class.getName(), cfg.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("box.out").toFile()).start();
            try {
                Poll.until("box connected with health", 60_000, () -> m.fleet().get("130602-007")
                        .map(b -> b.status() == BoxStatus.CONNECTED && b.lastHealth() > 0).orElse(false));
                assertEquals("保定市竞秀区测试单位", m.fleet().get("130602-007").orElseThrow().displayName());
                Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(box.pid())).inheritIO().start();
                assertEquals(0, kill.waitFor());
                box.waitFor(10, TimeUnit.SECONDS);
                Poll.until("DISCONNECTED by last will", 60_000, () -> m.fleet().get("130602-007").orElseThrow().status() == BoxStatus.DISCONNECTED);
                assertEquals("LWT", m.fleet().get("130602-007").orElseThrow().lastStatusCause());
            } finally {
                box.destroyForcibly();
            }
        }
    }
}
