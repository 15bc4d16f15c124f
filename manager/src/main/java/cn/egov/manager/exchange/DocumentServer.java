package cn.egov.manager.exchange;

import cn.egov.manager.metrics.Meters;
import cn.egov.manager.store.ThrottledAlarms;
import cn.egov.manager.web.ConnectionLimit;
import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.MessageIds;
import cn.egov.manager.ca.BoxHttpsServer;
import cn.egov.manager.ca.BoxCertificateCheck;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.web.Json;
import cn.egov.rules.unit.UnitCode;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Where boxes hand the hub their documents and fetch those for their units: HTTPS with a certificate
 * of the provincial CA (issued at each start for {@code exchange.tls.dns-names}/{@code exchange.tls.ips},
 * kept in memory), and a box certificate required of every client, valid and not revoked (asked of
 * the CA's register at every request, {@link BoxCertificateCheck}): the certificate's unit
 * is the box, and it acts only as itself.
 * <ul>
 *   <li>{@code PUT /exchange/v1/documents/<id>}: body the KuraPayload of {@link ExchangeWire#DOC}; stored
 *       durably (the hub's writer, group commit) before the answer: 200 {@code {"state":"AT_HUB"}} or 422
 *       {@code {"state":"UNDELIVERABLE","reason":...}}; 400 a body that is not a document for that id, 413
 *       over {@code exchange.max-document-bytes}, 503 the hub could not commit in time (the box repeats:
 *       the message id de-duplicates).</li>
 *   <li>{@code GET /exchange/v1/documents/<id>}: the envelope, to a box serving one of its recipients
 *       whose delivery is still open; 404 otherwise.</li>
 * </ul>
 * Every refusal is one log line (outside text escaped) and counted.
 */
final class DocumentServer implements AutoCloseable {

    /** Room for a document's metadata around its envelope in an upload. */
    private static final long METADATA_BYTES = 64 * 1024;
    /** Uploads and fetches at once; each holds a thread while the writer commits. */
    private static final int THREADS = 32;

    private final BoxHttpsServer http;
    final LongAdder uploads = new LongAdder();
    final LongAdder fetches = new LongAdder();
    final BoxHttpsServer.Refusals refusals = new BoxHttpsServer.Refusals("exchange document server");

    DocumentServer(DocumentServerSettings settings, ProvincialCa ca, HubInbox inbox, ExchangeHub hub, long maxDocumentBytes,
                   Duration commitWait, Meters meters, ThrottledAlarms alarms) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(THREADS, 2);
        threads.setName("exchange-documents");
        http = new BoxHttpsServer(ca, new BoxHttpsServer.Listen("exchange", settings.bind(), settings.port(), settings.dnsNames(),
                settings.ips()), threads, refusals, new ConnectionLimit("exchange document", ExchangeConfigKey.MAX_CONNECTIONS.key(),
                settings.maxConnections(), meters, "exchange.documents", alarms), new Documents(inbox, hub, maxDocumentBytes, commitWait));
    }

    int port() {
        return http.port();
    }

    String url() {
        return http.url();
    }

    @Override
    public void close() throws Exception {
        http.close();
    }

    private final class Documents implements BoxHttpsServer.BoxHandler {
        private final HubInbox inbox;
        private final ExchangeHub hub;
        private final long maxBody;
        private final Duration commitWait;

        Documents(HubInbox inbox, ExchangeHub hub, long maxDocumentBytes, Duration commitWait) {
            this.inbox = inbox;
            this.hub = hub;
            this.maxBody = maxDocumentBytes + METADATA_BYTES;
            this.commitWait = commitWait;
        }

        @Override
        public boolean handle(UnitCode unit, String path, Request request, Response response, Callback callback) throws Exception {
            String box = unit.toString();
            if (!path.startsWith(ExchangeWire.DOCUMENTS_PATH)) {
                return refuse(response, callback, 404, "no such path", path, box);
            }
            String id = path.substring(ExchangeWire.DOCUMENTS_PATH.length());
            try {
                MessageIds.check(id);
            } catch (DocumentRefused e) {
                return refuse(response, callback, 404, "not a message id", path, box);
            }
            return switch (request.getMethod()) {
                case "PUT" -> upload(request, response, callback, box, id, path);
                case "GET" -> fetch(response, callback, box, id, path);
                default -> {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, PUT");
                    yield refuse(response, callback, 405, "only GET and PUT", path, box);
                }
            };
        }

        private boolean upload(Request request, Response response, Callback callback, String box, String id, String path) throws Exception {
            long declared = request.getLength();
            if (declared > maxBody) {
                return refuse(response, callback, 413, declared + " bytes exceed the hub's limit of " + maxBody, path, box);
            }
            byte[] body;
            try (InputStream in = Content.Source.asInputStream(request)) {
                body = declared >= 0 ? exactly(in, (int) declared) : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
            }
            if (body == null) {
                return refuse(response, callback, 400, "the body is not the " + declared + " bytes its Content-Length declares", path, box);
            }
            if (body.length > maxBody) {
                return refuse(response, callback, 413, "more than the hub's limit of " + maxBody + " bytes", path, box);
            }
            KuraPayload doc;
            try {
                doc = KuraPayloadCodec.decode(body);
            } catch (PayloadFormatException | RuntimeException e) {
                return refuse(response, callback, 400, "the body is not a document payload: " + e.getMessage(), path, box);
            }
            if (!id.equals(doc.stringMetric(ExchangeWire.MESSAGE_ID))) {
                return refuse(response, callback, 400, "the document's message id differs from the path's", path, box);
            }
            ExchangeHub.Upload answer;
            try {
                answer = inbox.upload(box, doc, commitWait);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                return refuse(response, callback, 503, "not stored now, send it again: " + e.getMessage(), path, box);
            }
            uploads.increment();
            if (answer.refusal() == null) {
                return Json.write(response, callback, 200, Map.of("state", "AT_HUB"));
            }
            return Json.write(response, callback, 422, Map.of("state", "UNDELIVERABLE", "reason", answer.refusal()));
        }

        /**
         * The body read into one array of its declared length (a megabyte document: reading to an unknown
         * end collects it in pieces and copies them together), or null when it ends early or goes on.
         */
        private static byte[] exactly(InputStream in, int length) throws java.io.IOException {
            byte[] b = new byte[length];
            return in.readNBytes(b, 0, length) == length && in.read() < 0 ? b : null;
        }

        private boolean fetch(Response response, Callback callback, String box, String id, String path) throws Exception {
            Optional<byte[]> envelope = hub.envelopeFor(box, id);
            if (envelope.isEmpty()) {
                return refuse(response, callback, 404, "no open delivery of " + id + " to box " + box, path, box);
            }
            fetches.increment();
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/pkcs7-mime");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, envelope.get().length);
            response.write(true, ByteBuffer.wrap(envelope.get()), callback);
            return true;
        }

        private boolean refuse(Response response, Callback callback, int status, String why, String path, String box) {
            return refusals.refuse(response, callback, status, why, path, box);
        }
    }
}
