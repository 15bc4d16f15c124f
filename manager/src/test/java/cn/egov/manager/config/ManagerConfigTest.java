package cn.egov.manager.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagerConfigTest {

    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path f = dir.resolve("manager.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void defaultsAndOverrides() throws Exception {
        ManagerConfig c = ManagerConfig.load(write("# comment\ndata.dir = /var/lib/egov-manager\nweb.port=9090\nca.validity.days = 365\n"));
        assertEquals("/var/lib/egov-manager", c.get(ConfigKey.DATA_DIR));
        assertEquals(9090, c.integer(ConfigKey.WEB_PORT));
        assertEquals("embedded", c.get(ConfigKey.BROKER_MODE));
        assertEquals("jdbc:sqlite:/var/lib/egov-manager/manager.db", c.jdbcUrl());
        assertEquals("365", c.extension("ca").get("validity.days"));
    }

    @Test
    void errorsNameFileLineAndKey() throws Exception {
        Path f = write("web.port = 80\nweb.prot = 81\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ManagerConfig.load(f));
        assertTrue(e.getMessage().startsWith(f + ":2: unknown key 'web.prot'"), e.getMessage());
        ConfigException twice = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("account = a\naccount = b\n")));
        assertTrue(twice.getMessage().contains(":2: key 'account' is set twice"), twice.getMessage());
        ConfigException noEq = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("data.dir\n")));
        assertTrue(noEq.getMessage().contains(":1: expected 'key = value'"), noEq.getMessage());
        ConfigException port = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("broker.port = 70000\n")));
        assertTrue(port.getMessage().contains("broker.port must be a port"), port.getMessage());
        ConfigException ext = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("broker.mode = external\n")));
        assertTrue(ext.getMessage().contains("needs broker.url"), ext.getMessage());
        ConfigException rabbit = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("broker.mode = rabbitmq\n")));
        assertTrue(rabbit.getMessage().endsWith(":1: broker.mode=rabbitmq needs broker.amqp.addresses"), rabbit.getMessage());
        ConfigException nodes = assertThrows(ConfigException.class, () -> ManagerConfig.load(
                write("broker.mode = rabbitmq\nbroker.amqp.addresses = mq1:5672, mq2\n")));
        assertTrue(nodes.getMessage().endsWith(":2: broker.amqp.addresses must be host:port,host:port,...: 'mq2' is not host:port"),
                nodes.getMessage());
        ConfigException dot = assertThrows(ConfigException.class, () -> ManagerConfig.load(
                write("account = he.bei\nbroker.mode = rabbitmq\nbroker.amqp.addresses = mq1:5672\n")));
        assertTrue(dot.getMessage().contains(":1: with broker.mode=rabbitmq the account must not contain '.'"), dot.getMessage());
        ConfigException prefetch = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("ingest.amqp.prefetch = 70000\n"),
                cn.egov.manager.app.Parts.schema()));
        assertTrue(prefetch.getMessage().endsWith(":1: ingest.amqp.prefetch must be a whole number from 1 to 65535, got '70000'"),
                prefetch.getMessage());
        ConfigException pool = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("account = a\ndb.pool-size = 0\n")));
        assertTrue(pool.getMessage().endsWith(":2: db.pool-size must be a positive whole number up to 2147483647, got 0"), pool.getMessage());
        ConfigException wait = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("db.pool-timeout-ms = 100\n")));
        assertTrue(wait.getMessage().endsWith(":1: db.pool-timeout-ms must be a whole number of ms from 250 to 2147483647, got 100"),
                wait.getMessage());
        ConfigException idle = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("db.pool-idle-ms = 5s\n")));
        assertTrue(idle.getMessage().contains(":1: db.pool-idle-ms must be a"), idle.getMessage());
        ManagerConfig ok = ManagerConfig.load(write("broker.mode = rabbitmq\nbroker.amqp.addresses = mq1:5672,10.0.0.2:5673\n"));
        assertEquals("rabbitmq", ok.get(cn.egov.manager.config.ConfigKey.BROKER_MODE));
    }

    @Test
    void theRabbitMqAuthEndpointsKeysComeTogetherAndEachBadValueIsOneLine() throws Exception {
        String rabbit = "broker.mode = rabbitmq\nbroker.amqp.addresses = mq1:5672\nbroker.username = egov-manager\n";
        String all = rabbit + "broker.rabbitmq.auth.clients = mq1.hebei.gov.cn\nbroker.rabbitmq.management.urls = https://mq1:15671\n"
                + "broker.rabbitmq.management.username = egov-admin\nbroker.rabbitmq.management.password = secret-secret\n";
        ConfigException embedded = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("broker.rabbitmq.auth.port = 8443\n")));
        assertTrue(embedded.getMessage().endsWith(":1: broker.rabbitmq.auth.port is for broker.mode=rabbitmq, not 'embedded'"), embedded.getMessage());
        ConfigException alone = assertThrows(ConfigException.class, () -> ManagerConfig.load(write(rabbit + "broker.rabbitmq.auth.port = 8443\n")));
        assertTrue(alone.getMessage().endsWith(":4: broker.rabbitmq.auth.port needs broker.rabbitmq.auth.clients"), alone.getMessage());
        ConfigException port = assertThrows(ConfigException.class, () -> ManagerConfig.load(write(all + "broker.rabbitmq.auth.port = 70000\n")));
        assertTrue(port.getMessage().endsWith(":8: broker.rabbitmq.auth.port must be empty (none) or a port 0..65535, got 70000"), port.getMessage());
        ConfigException url = assertThrows(ConfigException.class, () -> ManagerConfig.load(write(
                all.replace("https://mq1:15671", "https://mq1:15671,mq2:15671") + "broker.rabbitmq.auth.port = 8443\n")));
        assertTrue(url.getMessage().endsWith(":5: broker.rabbitmq.management.urls must be http(s)://host[:port],...: 'mq2:15671'"), url.getMessage());
        ConfigException unit = assertThrows(ConfigException.class, () -> ManagerConfig.load(write(
                all.replace("= egov-admin", "= 130602-001") + "broker.rabbitmq.auth.port = 8443\n")));
        assertTrue(unit.getMessage().endsWith(":6: broker.rabbitmq.management.username must be neither a unit code nor broker.username, got '130602-001'"),
                unit.getMessage());
        ManagerConfig ok = ManagerConfig.load(write(all + "broker.rabbitmq.auth.port = 8443\n"));
        assertEquals("8443", ok.get(cn.egov.manager.config.ConfigKey.BROKER_RABBITMQ_AUTH_PORT));
    }

    @Test
    void badValuesNameTheLineAndThePartsKeysAreCheckedAgainstTheirSchemas() throws Exception {
        ConfigException bad = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("data.dir = x\n\nweb.port = eighty\n")));
        assertTrue(bad.getMessage().endsWith(":3: web.port must be a whole number, got 'eighty'"), bad.getMessage());
        ConfigException ratio = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("ingest.queue.alarm-ratio = 2\n"),
                cn.egov.manager.app.Parts.schema()));
        assertTrue(ratio.getMessage().endsWith(":1: ingest.queue.alarm-ratio must be a number in (0, 1], got '2'"), ratio.getMessage());
        ConfigException queue = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("ingest.queue.capacity = 0\n"),
                cn.egov.manager.app.Parts.schema()));
        assertTrue(queue.getMessage().endsWith(":1: ingest.queue.capacity must be a whole number from 1 to 2147483647, got '0'"),
                queue.getMessage());
        ConfigException inVm = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("ingest.in-vm = yes\n"),
                cn.egov.manager.app.Parts.schema()));
        assertTrue(inVm.getMessage().endsWith(":1: ingest.in-vm must be true or false, got 'yes'"), inVm.getMessage());

        // every part's prefix passes a load without the parts' schemas (the list is kept by hand: this keeps it whole)
        for (KeySpec k : cn.egov.manager.app.Parts.schema()) {
            assertTrue(ConfigKey.EXTENSION_PREFIXES.contains(k.prefix()), k.key() + ": prefix missing from ConfigKey.EXTENSION_PREFIXES");
        }
        java.util.Set<String> parts = java.util.Set.of("ca.dir", "plan.dir");
        assertEquals("/srv/ca", ManagerConfig.load(write("ca.dir = /srv/ca\n"), parts).extension("ca").get("dir"));
        ConfigException unknown = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("ca.dir = a\nca.dri = b\n"), parts));
        assertTrue(unknown.getMessage().endsWith(":2: unknown key 'ca.dri' (see 'manager config-keys')"), unknown.getMessage());
        ConfigException twice = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("plan.dir = a\nplan.dir = b\n"), parts));
        assertTrue(twice.getMessage().endsWith(":2: key 'plan.dir' is set twice"), twice.getMessage());
        // a part's schema checks values too, naming file and line
        java.util.List<KeySpec> schema = java.util.List.of(new KeySpec("plan.max-drop-ratio", "0.2", "share", KeySpec.RATIO),
                new KeySpec("console.audit-retention-days", "400", "days", KeySpec.atLeast(366, false)));
        ConfigException ratio2 = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("\nplan.max-drop-ratio = 2\n"), schema));
        assertTrue(ratio2.getMessage().endsWith(":2: plan.max-drop-ratio must be a number in (0, 1], got '2'"), ratio2.getMessage());
        ConfigException days = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("console.audit-retention-days = 30\n"), schema));
        assertTrue(days.getMessage().endsWith(":1: console.audit-retention-days must be a whole number from 366 to 2147483647, got '30'"), days.getMessage());
        ConfigException typo = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("console.audit-retention = 200\n"), schema));
        assertTrue(typo.getMessage().endsWith(":1: unknown key 'console.audit-retention' (see 'manager config-keys')"), typo.getMessage());
        ManagerConfig ok = ManagerConfig.load(write("console.audit-retention-days = 500\n"), schema);
        assertEquals(java.util.Map.of("max-drop-ratio", "0.2", "audit-retention-days", "500"), ok.part(schema).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
        ConfigException missing = assertThrows(ConfigException.class, () -> ManagerConfig.load(dir.resolve("absent.properties")));
        assertTrue(missing.getMessage().startsWith(dir.resolve("absent.properties") + ": no such configuration file"), missing.getMessage());
    }

    /**
     * A number the parts read as a count or a duration (Duration.ofDays, PartValues.integer) is
     * refused at load when it does not fit an int, naming file, line and key: 9223372036854775807
     * days used to pass the check and end 'manager run' as an internal error (ArithmeticException)
     * after the broker had started.
     */
    @Test
    void everyPartNumberOutsideAnIntIsRefusedAtLoad() throws Exception {
        // read as a long (a byte count compared with sizes), never converted
        java.util.Set<String> longs = java.util.Set.of("portal.max-file-bytes");
        int numbers = 0;
        for (KeySpec k : cn.egov.manager.app.Parts.schema()) {
            if (!k.defaultValue().matches("[0-9]+") || longs.contains(k.key())) {
                continue;
            }
            numbers++;
            for (String huge : java.util.List.of(Long.toString(Long.MAX_VALUE), Long.toString(Integer.MAX_VALUE + 1L))) {
                Path f = write("account = a\n" + k.key() + " = " + huge + "\n");
                ConfigException e = assertThrows(ConfigException.class, () -> ManagerConfig.load(f, cn.egov.manager.app.Parts.schema()),
                        k.key() + " = " + huge + " was accepted");
                assertTrue(e.getMessage().startsWith(f + ":2: " + k.key() + " must be "), e.getMessage());
            }
        }
        assertTrue(numbers > 20, "the parts' numeric keys were found: " + numbers);
    }

    @Test
    void theNocListenersPortIsCheckedAtLoad() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("account = a\nbroker.noc.port = 99999\n")));
        assertTrue(e.getMessage().endsWith(":2: broker.noc.port must be empty (no listener) or a port 0..65535, got 99999"), e.getMessage());
        ConfigException word = assertThrows(ConfigException.class, () -> ManagerConfig.load(write("broker.noc.port = x\n")));
        assertTrue(word.getMessage().endsWith(":1: broker.noc.port must be a whole number, got 'x'"), word.getMessage());
        ConfigException interval = assertThrows(ConfigException.class, () -> ManagerConfig.load(
                write("broker.refusal-alarm-interval-s = 9223372036854775807\n")));
        assertTrue(interval.getMessage().contains(":1: broker.refusal-alarm-interval-s must be a positive whole number up to 2147483647"),
                interval.getMessage());
    }

    @Test
    void sampleDocumentsEveryKeyAndLoadsBack() throws Exception {
        String sample = ConfigKey.sample();
        for (ConfigKey k : ConfigKey.values()) {
            assertTrue(sample.contains("#" + k.key + " = " + k.defaultValue), k.key);
        }
        // uncommented, the sample is a valid file equal to the defaults
        String uncommented = sample.lines().filter(l -> l.matches("#[a-z].* = .*")).map(l -> l.substring(1))
                .reduce("", (a, b) -> a + b + "\n");
        assertEquals(ManagerConfig.defaults().values(), ManagerConfig.load(write(uncommented)).values());
    }
}
