package cn.egov.api.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

/**
 * Every kind of report exports as a CAP 1.2 alert that the official schema accepts, checked by the
 * JDK's validator and by libxml2's {@code xmllint --schema}; references and incidents tie the
 * reports of one incident together.
 */
class CapWriterTest {

    static final Path XSD = Path.of("src/test/resources/cap/CAP-v1.2.xsd").toAbsolutePath();
    static Schema schema;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchema() throws Exception {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        schema = f.newSchema(XSD.toFile());
    }

    private final DutyReport first = Reports.initial();
    private final DutyReport one = Reports.next(first, ReportKind.FOLLOW_UP, 1, 30);
    private final DutyReport two = Reports.next(first, ReportKind.FOLLOW_UP, 2, 60);
    private final DutyReport fin = Reports.next(first, ReportKind.FINAL, 3, 120);

    @Test
    void everyKindValidatesWithTheJdkAndWithXmllint() throws Exception {
        List<DutyReport> all = List.of(first, one, two, fin, Reports.next(first, ReportKind.CANCEL, 1, 10));
        List<Path> files = new ArrayList<>();
        for (DutyReport r : all) {
            byte[] xml = CapWriter.write(r, all, "竞秀区水利局");
            schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
            Path f = dir.resolve(r.label().replace(' ', '-') + "-" + r.kind() + ".xml");
            Files.write(f, xml);
            files.add(f);
        }
        List<String> cmd = new ArrayList<>(List.of("xmllint", "--noout", "--schema", XSD.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        for (Path f : files) {
            assertTrue(out.contains(f + " validates"), out);
        }
    }

    @Test
    void theSchemaCheckCanFail() throws Exception {
        // the same document with a status CAP does not know: both validators must refuse it
        String bad = CapWriter.writeString(first, List.of(), "x").replace("<status>Actual</status>", "<status>Real</status>");
        boolean refused = false;
        try {
            schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))));
        } catch (SAXException e) {
            refused = true;
        }
        assertTrue(refused, "the JDK validator refuses status 'Real'");
        Path f = Files.writeString(dir.resolve("bad.xml"), bad);
        Process p = new ProcessBuilder("xmllint", "--noout", "--schema", XSD.toString(), f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertFalse(p.exitValue() == 0, out);
        assertTrue(out.contains("fails to validate"), out);
    }

    @Test
    void anUpdateReferencesTheEarlierReportsOfItsIncident() throws Exception {
        Document d = parse(CapWriter.write(two, List.of(fin, two, one, first), "竞秀区水利局"));
        assertEquals(two.id(), text(d, "identifier"));
        assertEquals(31, text(d, "identifier").length());
        assertEquals("13060200100000", text(d, "sender"));
        assertEquals("Update", text(d, "msgType"));
        assertEquals("Actual", text(d, "status"));
        assertEquals(first.id(), text(d, "incidents"));
        // sender,identifier,sent of the 初报 and 续报 1, in order, and nothing later than this report
        assertEquals("13060200100000," + first.id() + ",2026-07-01T09:31:25+08:00 13060200100000," + one.id() + ","
                + CapWriter.time(one.filedAt()), text(d, "references"));
        assertEquals("2026-07-01T09:20:00+08:00", text(d, "onset"));
        assertEquals("Severe", text(d, "severity"));
        assertEquals("zh-CN", text(d, "language"));
        assertEquals("130602", d.getElementsByTagNameNS(CapWriter.NAMESPACE, "geocode").item(0).getLastChild().getTextContent());

        Document alert = parse(CapWriter.write(first, List.of(first, one), "竞秀区水利局"));
        assertEquals("Alert", text(alert, "msgType"));
        assertEquals(0, alert.getElementsByTagNameNS(CapWriter.NAMESPACE, "references").getLength());
        Document cancel = parse(CapWriter.write(Reports.next(first, ReportKind.CANCEL, 1, 10), List.of(first), "x"));
        assertEquals("Cancel", text(cancel, "msgType"));
        assertEquals("Past", text(cancel, "urgency"));
    }

    @Test
    void textFromTheFieldIsEscapedNotMarkup() throws Exception {
        DutyReport tricky = new DutyReport(first.id(), first.unit(), first.incident(), first.kind(), 0, first.level(),
                ReportStatus.EXERCISE, first.category(), "<b>爆炸</b> & \"火灾\"", first.occurredAt(), first.filedAt(), null,
                "]]> <!-- x -->", "a < b", "", null, "张三", "");
        byte[] xml = CapWriter.write(tricky, List.of(), "A&B <单位>");
        schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
        Document d = parse(xml);
        assertEquals("<b>爆炸</b> & \"火灾\"", text(d, "event"));
        assertEquals("Exercise", text(d, "status"));
        assertEquals("A&B <单位>", text(d, "senderName"));
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static String text(Document d, String name) {
        return d.getElementsByTagNameNS(CapWriter.NAMESPACE, name).item(0).getTextContent();
    }
}
