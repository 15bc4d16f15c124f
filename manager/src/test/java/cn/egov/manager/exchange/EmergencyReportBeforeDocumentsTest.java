package cn.egov.manager.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.CapIdentifier;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyReportPayload;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportStatus;
import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.telemetry.Priority;
import cn.egov.exchange.TestPki;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.LabPasswords;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: an emergency report filed during an outage leaves before the documents waiting in the
 * same box's outbox. Box A (the real telemetry stack and exchange service) stores 1,000 documents
 * while its backbone is down, then its duty officer files an 初报 (queued as the duty bundle queues
 * it: {@link Priority#CRITICAL}; documents go at {@link ExchangeService#PRIORITY}). When the link
 * returns, a NOC subscriber on the manager's broker sees the report before any of the documents,
 * and every document still arrives at the hub.
 */
class EmergencyReportBeforeDocumentsTest {

    static final UnitCode A1 = UnitCode.parse("130602-001");
    static final UnitCode B1 = UnitCode.parse("130606-001");
    static final int DOCUMENTS = 1000;
    static final String NOC_USER = "noc-li";
    static final String NOC_PASSWORD = "noc-test-password";

    @TempDir
    Path dir;

    @Test
    void theReportFiledDuringTheOutageArrivesBeforeTheThousandDocumentsQueuedBeforeIt() throws Exception {
        assertTrue(Priority.CRITICAL < ExchangeService.PRIORITY, "documents drain after emergency reports");
        TestPki pki = new TestPki("Hebei test CA");
        Path trust = dir.resolve("trust.pem");
        TestPki.pem(trust, pki.root, pki.issuing, pki.sm2Ca);
        Path nocUsers = dir.resolve("noc.passwd");
        LabPasswords.add(nocUsers, NOC_USER, NOC_PASSWORD);
        ManagerConfig base = ManagerFixture.config(dir.resolve("manager")).with(ConfigKey.BROKER_TLS_PORT, 0)
                .with(ConfigKey.BROKER_NOC_PORT, 0).with(ConfigKey.BROKER_NOC_PASSWORD_FILE, nocUsers);
        Map<String, String> ext = new HashMap<>(base.extensions());
        ext.put(ExchangeConfigKey.TRUST_FILE.key, trust.toString());
        ManagerConfig config = new ManagerConfig(base.source(), base.values(), ext);
        TrustAnchors anchors = new TrustAnchors(List.of(pki.root), List.of(pki.issuing, pki.sm2Ca), Clock.systemUTC());
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> lost = new CopyOnWriteArrayList<>();
        try (ProvincialCa tlsCa = ProvincialCa.create(dir.resolve("ca"), "lab".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             ManagerAssembly manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withTlsCa(tlsCa));
             ExchangeBox a = new ExchangeBox(A1.toString(), dir.resolve("a"), List.of(new LocalUnit(A1, pki.signing(A1), pki.encryption(A1))),
                     anchors, manager.brokerUrl(), ManagerFixture.labPassword(manager, A1.toString()));
             ExchangeBox b = new ExchangeBox(B1.toString(), dir.resolve("b"), List.of(new LocalUnit(B1, pki.signing(B1), pki.encryption(B1))),
                     anchors, manager.brokerUrl(), ManagerFixture.labPassword(manager, B1.toString()))) {
            a.service.register();
            b.service.register();
            Poll.until("box A knows unit " + B1, 60_000, () -> ExchangeHubEndToEndTest.units(a).contains(B1.toString()));

            // the NOC watches box A's messages on its read-only listener, in the order the broker passes them on
            MqttClient noc = new MqttClient(manager.brokerNocUrl(), "noc-li-order", new MemoryPersistence());
            noc.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    lost.add(String.valueOf(cause));
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    seen.add(topic);
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setUserName(NOC_USER);
            o.setPassword(NOC_PASSWORD.toCharArray());
            o.setSocketFactory(trusting(tlsCa).getSocketFactory());
            noc.connect(o);
            noc.subscribe("hebei/" + A1 + "/#", 1);

            a.disconnect();
            for (int i = 0; i < DOCUMENTS; i++) {
                a.service.send(ExchangeHubEndToEndTest.doc(A1, List.of(B1), "排队 " + i, 5000 + i));
            }
            Instant filed = Instant.now();
            String reportId = CapIdentifier.of(A1, filed, 0).toString();
            a.publish(DutyTopics.APP, DutyTopics.REPORT, DutyReportPayload.encode(new DutyReport(reportId, A1, reportId, ReportKind.INITIAL,
                    0, ReportLevel.MAJOR, ReportStatus.ACTUAL, EventCategory.ACCIDENT, "某化工厂储罐爆炸", filed.minusSeconds(600), filed, null,
                    "竞秀区朝阳南大街12号", "储罐区爆炸,现场已疏散", "消防到场处置", new DutyReport.Casualties(0, 3, 1), "张三", "0312-1234567")),
                    Priority.CRITICAL);

            a.connect(manager.brokerUrl());
            Poll.until(DOCUMENTS + " documents at the hub", 600_000,
                    () -> ExchangeHubEndToEndTest.count(manager, "SELECT COUNT(*) FROM exchange_doc") == DOCUMENTS);
            noc.disconnect();
            noc.close();
            System.out.println("the NOC saw " + seen.size() + " messages of box A, " + docs(seen) + " documents; connection lost: " + lost);

            String reportTopic = "hebei/" + A1 + "/" + DutyTopics.APP + "/" + DutyTopics.REPORT;
            String docTopic = "hebei/" + A1 + "/" + ExchangeWire.APP_ID + "/" + ExchangeWire.DOC;
            int report = seen.indexOf(reportTopic);
            int firstDoc = seen.indexOf(docTopic);
            assertTrue(report >= 0 && firstDoc >= 0, "the NOC saw the report and documents: " + seen.subList(0, Math.min(20, seen.size())));
            assertTrue(report < firstDoc, "the report went ahead of the " + DOCUMENTS + " documents queued before it (report at " + report
                    + ", first document at " + firstDoc + ")");
            assertEquals(1, seen.stream().filter(reportTopic::equals).count());
        }
    }

    private static long docs(List<String> topics) {
        return topics.stream().filter(t -> t.endsWith("/" + ExchangeWire.APP_ID + "/" + ExchangeWire.DOC)).count();
    }

    private static SSLContext trusting(ProvincialCa ca) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (X509Certificate c : ca.caCertificates()) {
            ts.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
