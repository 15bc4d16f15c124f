package cn.egov.portal.probe;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.portal.mirror.ServedSites;
import cn.egov.portal.mirror.SiteSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what the annual inspection measures, per mirrored site, through the box's own server as
 * a LAN user meets it: the homepage fetched with the site's name as {@code Host}, its status and
 * time, the snapshot's age and the homepage's {@code Last-Modified} age. Reported on
 * {@code PORTAL/probe}; alarms {@link PortalMetrics#UNREACHABLE_ALARM} (no 200),
 * {@link PortalMetrics#STALE_ALARM} (homepage older than the configured days) and
 * {@link PortalMetrics#EXPIRED_ALARM} (manifest past its expires_at), each once and CLEARED when it ends.
 *
 * <p>The request is written by hand on a plain socket because the JDK's HTTP client will not send
 * a {@code Host} header other than the URL's, and the probe must ask for each site by its name.
 */
public final class SiteProbe {

    private static final Logger LOG = LoggerFactory.getLogger(SiteProbe.class);
    private static final String SOURCE = "portal";
    private static final int MAX_HEADER_LINES = 100;

    /** What one probe of one site saw. */
    public record Result(String site, boolean reachable, int status, long latencyMs, long version, long snapshotAgeS,
                         long lastModifiedAgeS, boolean stale, boolean expired) {
    }

    private final ServedSites served;
    private final String host;
    private final java.util.function.IntSupplier port;
    private final Duration staleAfter;
    private final Duration timeout;
    private final TelemetryPublisher telemetry;
    private final Clock clock;
    private final Set<String> raised = new HashSet<>();

    /**
     * @param host address of the box's own HTTP connector as seen from the box
     * @param port its port (known once the server is up)
     */
    public SiteProbe(ServedSites served, String host, java.util.function.IntSupplier port, Duration staleAfter, Duration timeout,
                     TelemetryPublisher telemetry, Clock clock) {
        this.served = served;
        this.host = host;
        this.port = port;
        this.staleAfter = staleAfter;
        this.timeout = timeout;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** Probes every served site, reports and alarms. */
    public synchronized Map<String, Result> runOnce() {
        Map<String, Result> out = new LinkedHashMap<>();
        for (SiteSnapshot s : served.all()) {
            Result r = probe(s);
            out.put(s.site(), r);
            report(r);
        }
        return out;
    }

    Result probe(SiteSnapshot s) {
        long now = clock.millis();
        long start = System.nanoTime();
        int status = 0;
        String lastModified = null;
        long version = 0;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port.getAsInt()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + s.site() + "\r\nUser-Agent: egov-portal-probe\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
            String line = r.readLine();
            if (line != null && line.startsWith("HTTP/1.1 ")) {
                status = Integer.parseInt(line.substring(9, 12));
            }
            for (int i = 0; i < MAX_HEADER_LINES && (line = r.readLine()) != null && !line.isEmpty(); i++) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).strip();
                    if (name.equals("last-modified")) {
                        lastModified = value;
                    } else if (name.equals("x-snapshot-version")) {
                        version = Long.parseLong(value);
                    }
                }
            }
            // the body is read to the end: a page that cannot be delivered whole is not reachable
            while (r.read() >= 0) {
                // discard
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("portal probe of {}: {}", s.site(), e.toString());
            status = status == 200 ? 0 : status;
        }
        long latency = (System.nanoTime() - start) / 1_000_000;
        long lmAge = -1;
        if (lastModified != null) {
            try {
                lmAge = (now - ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli()) / 1000;
            } catch (DateTimeParseException e) {
                LOG.warn("portal probe of {}: Last-Modified '{}' unreadable", s.site(), lastModified);
            }
        }
        long snapAge = (now - s.issuedAt().toEpochMilli()) / 1000;
        boolean reachable = status == 200;
        boolean stale = lmAge > staleAfter.toSeconds();
        return new Result(s.site(), reachable, status, latency, version, snapAge, lmAge, stale, s.expiredAt(clock.instant()));
    }

    private void report(Result r) {
        telemetry.publish(PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, KuraPayload.builder().timestamp(clock.millis())
                .metric(PortalMetrics.SITE, r.site())
                .metric(PortalMetrics.REACHABLE, r.reachable())
                .metric(PortalMetrics.HTTP_STATUS, (long) r.status())
                .metric(PortalMetrics.LATENCY_MS, r.latencyMs())
                .metric(PortalMetrics.SNAPSHOT_VERSION, r.version())
                .metric(PortalMetrics.SNAPSHOT_ISSUED_AT, clock.millis() - r.snapshotAgeS() * 1000)
                .metric(PortalMetrics.SNAPSHOT_AGE_S, r.snapshotAgeS())
                .metric(PortalMetrics.LAST_MODIFIED_AGE_S, r.lastModifiedAgeS())
                .metric(PortalMetrics.STALE, r.stale())
                .metric(PortalMetrics.EXPIRED, r.expired()).build(), Priority.HEALTH);
        transition(PortalMetrics.UNREACHABLE_ALARM, r.site(), !r.reachable(), Alarm.Severity.CRITICAL,
                "site " + r.site() + " unreachable through the box's own server (HTTP " + r.status() + ")");
        transition(PortalMetrics.STALE_ALARM, r.site(), r.stale(), Alarm.Severity.MAJOR,
                "site " + r.site() + " homepage is " + r.lastModifiedAgeS() / 86_400 + " days old (limit " + staleAfter.toDays() + ")");
        transition(PortalMetrics.EXPIRED_ALARM, r.site(), r.expired(), Alarm.Severity.WARNING,
                "site " + r.site() + ": the snapshot served is past its expires_at; served anyway until the manager is reachable");
    }

    private void transition(String kind, String site, boolean now, Alarm.Severity severity, String message) {
        String key = kind + " " + site;
        if (now && raised.add(key)) {
            telemetry.alarm(new Alarm(kind, severity, SOURCE, message, Map.of("site", site), clock.millis()));
        } else if (!now && raised.remove(key)) {
            telemetry.alarm(new Alarm(kind, Alarm.Severity.CLEARED, SOURCE, "site " + site + ": cleared", Map.of("site", site), clock.millis()));
        }
    }
}
