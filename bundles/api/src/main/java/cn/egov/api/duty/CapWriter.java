package cn.egov.api.duty;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes a report as an OASIS CAP 1.2 alert (valid against the official {@code CAP-v1.2.xsd}),
 * for systems that take emergency messages in CAP or in GB/T 35965, which follows it.
 *
 * <table>
 *   <caption>How a report maps to CAP</caption>
 *   <tr><td>identifier</td><td>the report's {@link CapIdentifier} (31 characters)</td></tr>
 *   <tr><td>sender</td><td>the unit's 14-digit sender code; senderName its name</td></tr>
 *   <tr><td>sent</td><td>the filing time, Beijing time ({@code +08:00})</td></tr>
 *   <tr><td>status, msgType</td><td>{@link ReportStatus#cap()}; 初报 Alert, 续报/终报 Update, 撤报 Cancel</td></tr>
 *   <tr><td>scope</td><td>Restricted (government duty offices)</td></tr>
 *   <tr><td>references</td><td>{@code sender,identifier,sent} of every earlier report of the incident</td></tr>
 *   <tr><td>incidents</td><td>the identifier of the incident's 初报</td></tr>
 *   <tr><td>info</td><td>zh-CN; category from the event class; event = title; urgency Immediate (Past for 终报/撤报);
 *       severity from the level; certainty Observed; onset = event time; parameters for kind, number, level,
 *       casualties, measures, phone report; area = location with the GB/T 2260 county code</td></tr>
 * </table>
 *
 * <pre>{@code
 * byte[] xml = CapWriter.write(followUp, List.of(initial), "竞秀区水利局");
 * }</pre>
 */
public final class CapWriter {

    public static final String NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";
    private static final DateTimeFormatter CAP_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    private CapWriter() {
    }

    /**
     * The CAP document of {@code report}, UTF-8.
     *
     * @param earlier    reports of the same incident (those numbered before {@code report} become its references)
     * @param senderName the unit's name as people know it
     */
    public static byte[] write(DutyReport report, Collection<DutyReport> earlier, String senderName) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.setDefaultNamespace(NAMESPACE);
            x.writeStartElement(NAMESPACE, "alert");
            x.writeDefaultNamespace(NAMESPACE);
            String sender = CapIdentifier.senderCode(report.unit());
            element(x, "identifier", report.id());
            element(x, "sender", sender);
            element(x, "sent", time(report.filedAt()));
            element(x, "status", report.status().cap());
            element(x, "msgType", report.kind().capMsgType());
            element(x, "scope", "Restricted");
            element(x, "restriction", "各级人民政府值班室 government duty offices");
            element(x, "note", report.label() + (report.status() == ReportStatus.ACTUAL ? "" : " (" + report.status().chinese() + ")"));
            String references = earlier.stream()
                    .filter(r -> r.incident().equals(report.incident()) && r.number() < report.number())
                    .sorted(Comparator.comparingInt(DutyReport::number))
                    .map(r -> CapIdentifier.senderCode(r.unit()) + "," + r.id() + "," + time(r.filedAt()))
                    .reduce((a, b) -> a + " " + b).orElse("");
            if (!references.isEmpty()) {
                element(x, "references", references);
            }
            element(x, "incidents", report.incident());
            x.writeStartElement(NAMESPACE, "info");
            element(x, "language", "zh-CN");
            element(x, "category", report.category().capCategory());
            element(x, "event", report.title());
            element(x, "urgency", report.kind().closes() ? "Past" : "Immediate");
            element(x, "severity", report.level().capSeverity());
            element(x, "certainty", "Observed");
            element(x, "onset", time(report.occurredAt()));
            element(x, "senderName", senderName == null || senderName.isBlank() ? report.unit().toString() : senderName);
            element(x, "headline", "[" + report.level().chinese() + "] " + report.title() + " " + report.label());
            if (!report.description().isEmpty()) {
                element(x, "description", report.description());
            }
            String contact = (report.reporter() + " " + report.phone()).strip();
            element(x, "contact", contact);
            for (Map.Entry<String, String> p : parameters(report).entrySet()) {
                x.writeStartElement(NAMESPACE, "parameter");
                element(x, "valueName", p.getKey());
                element(x, "value", p.getValue());
                x.writeEndElement();
            }
            x.writeStartElement(NAMESPACE, "area");
            element(x, "areaDesc", report.location().isEmpty() ? report.unit().toString() : report.location());
            x.writeStartElement(NAMESPACE, "geocode");
            element(x, "valueName", "GB/T 2260");
            element(x, "value", report.unit().countyCode());
            x.writeEndElement();
            x.writeEndElement();
            x.writeEndElement(); // info
            x.writeEndElement(); // alert
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write CAP for " + report.id() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The CAP text as a string (for pages and tests). */
    public static String writeString(DutyReport report, Collection<DutyReport> earlier, String senderName) {
        return new String(write(report, earlier, senderName), StandardCharsets.UTF_8);
    }

    private static Map<String, String> parameters(DutyReport r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("reportKind", r.kind().chinese());
        m.put("reportNumber", Integer.toString(r.number()));
        m.put("level", r.level().chinese() + " (" + r.level().grade() + "级)");
        m.put("eventClass", r.category().chinese());
        m.put("deaths", Integer.toString(r.casualties().deaths()));
        m.put("injured", Integer.toString(r.casualties().injured()));
        m.put("missing", Integer.toString(r.casualties().missing()));
        if (!r.measures().isEmpty()) {
            m.put("measures", r.measures());
        }
        if (r.phoneReportedAt() != null) {
            m.put("phoneReportedAt", time(r.phoneReportedAt()));
        }
        return m;
    }

    /** A CAP time: to the second, Beijing time, explicit offset (the schema allows no 'Z'). */
    public static String time(Instant t) {
        return CAP_TIME.format(OffsetDateTime.ofInstant(Instant.ofEpochSecond(t.getEpochSecond()), CapIdentifier.BEIJING));
    }

    private static void element(XMLStreamWriter x, String name, String text) throws XMLStreamException {
        x.writeStartElement(NAMESPACE, name);
        x.writeCharacters(text);
        x.writeEndElement();
    }
}
