package cn.egov.manager.exchange;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.text.LogSafe;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.MessageIds;
import cn.egov.manager.broker.ClientCredentials;
import cn.egov.manager.broker.Verdict;
import cn.egov.manager.ca.BoxTlsConnector;
import cn.egov.manager.ca.CertificateClientAuthenticator;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.web.Json;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where boxes hand the hub their documents and fetch those for their units: HTTPS with a certificate
 * of the provincial CA (issued at each start for {@code exchange.tls.dns-names}/{@code exchange.tls.ips},
 * kept in memory), and a box certificate required of every client, valid and not revoked (asked of
 * the CA's register at every request, {@link CertificateClientAuthenticator}): the certificate's unit
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

    private static final Logger LOG = LoggerFactory.getLogger(DocumentServer.class);
    /** Room for a document's metadata around its envelope in an upload. */
    private static final long METADATA_BYTES = 64 * 1024;
    /** Uploads and fetches at once; each holds a thread while the writer commits. */
    private static final int THREADS = 32;

    private final Server server;
    private final ServerConnector connector;
    final LongAdder uploads = new LongAdder();
    final LongAdder fetches = new LongAdder();
    final LongAdder refused = new LongAdder();

    DocumentServer(DocumentServerSettings settings, ProvincialCa ca, HubInbox inbox, ExchangeHub hub, long maxDocumentBytes,
                   Duration commitWait) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(THREADS, 2);
        threads.setName("exchange-documents");
        server = new Server(threads);
        connector = BoxTlsConnector.create(server, ca, "exchange", settings.bind(), settings.port(), settings.dnsNames(), settings.ips());
        server.addConnector(connector);
        server.setHandler(new Documents(new CertificateClientAuthenticator(ca), inbox, hub, maxDocumentBytes, commitWait));
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    String url() {
        return "https://" + connector.getHost() + ":" + port();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private final class Documents extends Handler.Abstract {
        private final CertificateClientAuthenticator boxes;
        private final HubInbox inbox;
        private final ExchangeHub hub;
        private final long maxBody;
        private final Duration commitWait;

        Documents(CertificateClientAuthenticator boxes, HubInbox inbox, ExchangeHub hub, long maxDocumentBytes, Duration commitWait) {
            this.boxes = boxes;
            this.inbox = inbox;
            this.hub = hub;
            this.maxBody = maxDocumentBytes + METADATA_BYTES;
            this.commitWait = commitWait;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            String box = box(request);
            if (box.startsWith("!")) {
                return refuse(response, callback, 403, box.substring(1), path, "?");
            }
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

        /** The box the client certificate names, or "!" and why it is refused. */
        private String box(Request request) {
            Object ssl = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
            X509Certificate[] chain = ssl instanceof EndPoint.SslSessionData d ? d.peerCertificates() : null;
            if (chain == null || chain.length == 0) {
                return "!no TLS client certificate";
            }
            RDN[] cn = X500Name.getInstance(chain[0].getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
            String unit = cn.length == 1 ? IETFUtils.valueToString(cn[0].getFirst().getValue()) : null;
            // the certificate claims the identity its CN names; the authenticator checks CA, validity, revocation and SAN
            Verdict v = boxes.authenticate(new ClientCredentials(unit, null, null, List.of(chain)));
            if (v instanceof Verdict.Accepted a) {
                return a.identity().name();
            }
            return "!" + ((Verdict.Refused) v).detail();
        }

        private boolean refuse(Response response, Callback callback, int status, String why, String path, String box) {
            refused.increment();
            LOG.warn("exchange document server refused {} for box {} ({}): {}", LogSafe.of(path), LogSafe.of(box), status, LogSafe.of(why));
            return Json.write(response, callback, status, Map.of("error", why));
        }
    }
}
