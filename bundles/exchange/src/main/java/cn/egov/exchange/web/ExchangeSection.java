package cn.egov.exchange.web;

import cn.egov.api.text.LogSafe;
import cn.egov.api.web.UnreadBody;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.SectionContext;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.store.IncomingRecord;
import cn.egov.exchange.store.OutgoingRecord;
import cn.egov.exchange.web.jte.JteincomingGenerated;
import cn.egov.exchange.web.jte.JteinboxGenerated;
import cn.egov.exchange.web.jte.JtenotreadyGenerated;
import cn.egov.exchange.web.jte.JtenotservedGenerated;
import cn.egov.exchange.web.jte.JteoutboxGenerated;
import cn.egov.exchange.web.jte.JteoutgoingGenerated;
import cn.egov.exchange.web.jte.JtesendGenerated;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gg.jte.Content;
import gg.jte.TemplateOutput;
import gg.jte.html.HtmlTemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clerk's console section {@code /exchange/}: pages and a JSON API over the same store. The
 * console has already authenticated the user (session or API token), checked the role (clerk),
 * CSRF and origin, and audits every POST; a clerk acts for the unit of the account
 * ({@link ConsoleUser#unit()}): sends as it, sees its inbox and what it sent.
 *
 * <table>
 *   <tr><th>path</th><th>what</th></tr>
 *   <tr><td>{@code GET /exchange/[?q=]}</td><td>收件箱 inbox page, searchable (title, 文号, message id)</td></tr>
 *   <tr><td>{@code GET /exchange/outbox[?q=]}</td><td>发件箱 outbox page: every recipient's state</td></tr>
 *   <tr><td>{@code GET|POST /exchange/send}</td><td>the send form; POST multipart (see {@link Upload})</td></tr>
 *   <tr><td>{@code GET /exchange/in/<id>}, {@code /in/<id>/file/<n>}</td><td>a received document, its files</td></tr>
 *   <tr><td>{@code GET /exchange/out/<id>}, {@code /out/<id>/receipt/<unit>}</td><td>a sent document with receipts; one signed receipt (DER)</td></tr>
 *   <tr><td>{@code GET /exchange/api/inbox[?q=&limit=]}, {@code /api/inbox/<id>}, {@code /api/inbox/<id>/files/<n>}</td><td>JSON</td></tr>
 *   <tr><td>{@code GET /exchange/api/outbox[?q=&limit=]}, {@code /api/outbox/<id>}, {@code /api/outbox/<id>/receipts/<unit>}</td><td>JSON</td></tr>
 *   <tr><td>{@code POST /exchange/api/documents}</td><td>send (multipart): 201 stored, 200 an application resend, 400/413/415/422 refused</td></tr>
 *   <tr><td>{@code GET /exchange/api/units}</td><td>the clerk's unit, the units documents can be sent to and whether the hub's
 *       directory is on the box ({@code "directory": "received"} or {@code "missing"}, see {@link Recipients})</td></tr>
 * </table>
 *
 * Refusals are one line naming the field ({@code {"error": "...", "field": "..."}} or on the
 * page); nothing is stored then. A form sends its CSRF token in the query string
 * ({@code ?_csrf=}): the console cannot read it from a multipart body.
 */
public final class ExchangeSection implements Request.Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeSection.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
    private static final Pattern IN = Pattern.compile("/exchange/(?:api/inbox|in)/" + ID);
    private static final Pattern IN_FILE = Pattern.compile("/exchange/(?:api/inbox/" + ID + "/files|in/" + ID + "/file)/(\\d{1,4})");
    private static final Pattern OUT = Pattern.compile("/exchange/(?:api/outbox|out)/" + ID);
    private static final Pattern OUT_RECEIPT = Pattern.compile("/exchange/(?:api/outbox/" + ID + "/receipts|out/" + ID + "/receipt)/(\\d{6}-\\d{3})");
    private static final int LIST_LIMIT = 200;
    /** Most documents one JSON list answers (its {@code limit}). */
    private static final int MAX_LIST_LIMIT = 10_000;
    /**
     * Media types a browser runs (script, markup that can hold script): the sender's word for a file
     * served from the console's origin, so such files are served as bytes to save.
     */
    private static final Pattern RUNNABLE = Pattern.compile("(?i)javascript|ecmascript|html|xml");
    /** Most parts of one upload: files plus a dozen form fields. */
    private static final int MAX_PARTS = 120;
    /** Form fields around the files (text, boundaries): what an upload may carry beyond the document limit. */
    private static final long FORM_OVERHEAD = 256 * 1024;

    private final Supplier<ExchangeService> service;
    private final Supplier<NotReady> waitingFor;
    private final long maxDocumentBytes;
    private final Duration defaultDeadline;
    private final Clock clock;

    /**
     * @param service    the running exchange, or null while it waits
     * @param waitingFor what it waits for (shown to the clerk)
     */
    public ExchangeSection(Supplier<ExchangeService> service, Supplier<NotReady> waitingFor, long maxDocumentBytes,
                           Duration defaultDeadline, Clock clock) {
        this.service = service;
        this.waitingFor = waitingFor;
        this.maxDocumentBytes = maxDocumentBytes;
        this.defaultDeadline = defaultDeadline;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.startsWith("/exchange/")) {
            return false;
        }
        SectionContext ctx = SectionContext.of(request);
        boolean api = path.startsWith("/exchange/api/");
        ExchangeService s = service.get();
        if (s == null) {
            NotReady why = Objects.requireNonNullElse(waitingFor.get(), NotReady.STARTING);
            if (api) {
                return json(response, callback, 503, Map.of("error", "the exchange is not ready: " + why.english()));
            }
            ctx.render(response, callback, "公文交换 Documents", html(out -> JtenotreadyGenerated.render(out, null, why)));
            return true;
        }
        Optional<UnitCode> unit = clerkUnit(ctx.user(), s);
        if (unit.isEmpty()) {
            NotReady why = new NotReady("账号 " + ctx.user().name() + " 属于单位 " + ctx.user().unit()
                    + "，本机的公文交换不为该单位服务（服务的单位：" + s.units() + "）。请联系技术员：在 配置 页面的“公文交换”表单中加入该单位，或改用本单位的账号。",
                    "Account " + ctx.user().name() + " belongs to unit " + ctx.user().unit()
                    + ", which the exchange on this box does not serve (" + s.units() + ")");
            if (api) {
                return json(response, callback, 403, Map.of("error", why.english()));
            }
            // the exchange runs; it is the clerk's unit it does not serve, so not the "not ready" heading
            ctx.render(response, callback, "公文交换 Documents", html(out -> JtenotservedGenerated.render(out, null, why)));
            return true;
        }
        try {
            return route(request, response, callback, ctx, s, unit.get(), path, api);
        } catch (SQLException e) {
            LOG.warn("exchange store error on {}: {}", LogSafe.of(path), e.toString());
            return api ? json(response, callback, 500, Map.of("error", "the exchange store cannot be read or written now; nothing was changed"))
                    : text(response, callback, 500, "the exchange store cannot be read or written now; nothing was changed");
        }
    }

    private boolean route(Request request, Response response, Callback callback, SectionContext ctx, ExchangeService s, UnitCode unit,
                          String path, boolean api) throws Exception {
        String method = request.getMethod();
        String q = Request.extractQueryParameters(request).getValue("q");
        q = q == null ? "" : q.strip();
        String limitText = Request.extractQueryParameters(request).getValue("limit");
        Matcher m;
        if (method.equals("POST")) {
            if (path.equals("/exchange/api/documents") || path.equals("/exchange/send")) {
                return send(request, response, callback, ctx, s, unit, api);
            }
            return api ? json(response, callback, 405, Map.of("error", "POST is taken only at /exchange/api/documents"))
                    : text(response, callback, 405, "POST is taken only at /exchange/send");
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return text(response, callback, 405, method + " is not allowed here");
        }
        switch (path) {
            case "/exchange/", "/exchange/inbox" -> {
                List<IncomingRecord> docs = s.store().inbox(List.of(unit.toString()), q, LIST_LIMIT);
                String query = q;
                ctx.render(response, callback, "收件箱 Inbox", html(out -> JteinboxGenerated.render(out, null, docs, query)));
                return true;
            }
            case "/exchange/outbox" -> {
                List<OutgoingRecord> docs = s.store().outbox(List.of(unit.toString()), q, LIST_LIMIT);
                String query = q;
                ctx.render(response, callback, "发件箱 Outbox", html(out -> JteoutboxGenerated.render(out, null, docs, query)));
                return true;
            }
            case "/exchange/send" -> {
                return sendPage(response, callback, ctx, s, unit, Map.of(), "");
            }
            case "/exchange/api/inbox", "/exchange/api/outbox" -> {
                int limit = limit(limitText);
                if (limit < 0) {
                    return json(response, callback, 400, Map.of("error", "limit: '" + LogSafe.of(limitText) + "' is not a whole number from 1 to "
                            + MAX_LIST_LIMIT + " (the most documents listed; " + LIST_LIMIT + " when not given)", "field", "limit"));
                }
                List<?> docs = path.endsWith("inbox") ? s.store().inbox(List.of(unit.toString()), q, limit).stream().map(Views::incoming).toList()
                        : s.store().outbox(List.of(unit.toString()), q, limit).stream().map(Views::outgoing).toList();
                return json(response, callback, 200, Map.of("unit", unit.toString(), "documents", docs));
            }
            case "/exchange/api/units" -> {
                Map<String, Object> v = new LinkedHashMap<>();
                Recipients r = recipients(s, unit);
                v.put("unit", unit.toString());
                v.put("recipients", r.units());
                v.put("directory", r.directory().wire());
                v.put("max_document_bytes", maxDocumentBytes);
                return json(response, callback, 200, v);
            }
            default -> {
            }
        }
        if ((m = IN_FILE.matcher(path)).matches()) {
            String id = m.group(1) != null ? m.group(1) : m.group(2);
            Optional<IncomingRecord> rec = s.store().incoming(id, unit.toString());
            List<Part> parts = rec.isEmpty() ? List.of() : s.store().parts(id, unit.toString());
            int n = Integer.parseInt(m.group(3));
            if (n >= parts.size()) {
                return notFound(response, callback, api, "no file " + n + " in document " + id + " of unit " + unit);
            }
            Part p = parts.get(n);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, RUNNABLE.matcher(p.mediaType()).find() ? "application/octet-stream" : p.mediaType());
            response.getHeaders().put("Content-Disposition", "attachment; filename*=UTF-8''" + urlEncode(p.name()));
            response.write(true, ByteBuffer.wrap(p.content()), callback);
            return true;
        }
        if ((m = IN.matcher(path)).matches()) {
            String id = m.group(1);
            Optional<IncomingRecord> rec = s.store().incoming(id, unit.toString());
            if (rec.isEmpty()) {
                return notFound(response, callback, api, "no document " + id + " for unit " + unit);
            }
            List<Part> parts = s.store().parts(id, unit.toString());
            if (api) {
                Map<String, Object> v = Views.incoming(rec.get());
                v.put("files", parts.stream().map(Views::part).toList());
                return json(response, callback, 200, v);
            }
            ctx.render(response, callback, "收文 Received document", html(out -> JteincomingGenerated.render(out, null, rec.get(), parts)));
            return true;
        }
        if ((m = OUT_RECEIPT.matcher(path)).matches()) {
            String id = m.group(1) != null ? m.group(1) : m.group(2);
            Optional<OutgoingRecord> rec = s.store().outgoing(id).filter(o -> o.issuer().equals(unit.toString()));
            Optional<byte[]> receipt = rec.isEmpty() ? Optional.empty() : s.store().receipt(id, m.group(3));
            if (receipt.isEmpty()) {
                return notFound(response, callback, api, "no receipt from " + m.group(3) + " for document " + id + " of unit " + unit);
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/pkcs7-mime; smime-type=signed-data");
            response.getHeaders().put("Content-Disposition", "attachment; filename=\"receipt-" + id + "-" + m.group(3) + ".p7s\"");
            response.write(true, ByteBuffer.wrap(receipt.get()), callback);
            return true;
        }
        if ((m = OUT.matcher(path)).matches()) {
            String id = m.group(1);
            Optional<OutgoingRecord> rec = s.store().outgoing(id).filter(o -> o.issuer().equals(unit.toString()));
            if (rec.isEmpty()) {
                return notFound(response, callback, api, "no document " + id + " sent by unit " + unit);
            }
            if (api) {
                return json(response, callback, 200, Views.outgoing(rec.get()));
            }
            ctx.render(response, callback, "发文 Sent document", html(out -> JteoutgoingGenerated.render(out, null, rec.get())));
            return true;
        }
        return false; // the console answers 404
    }

    private boolean send(Request request, Response response, Callback callback, SectionContext ctx, ExchangeService s, UnitCode unit,
                         boolean api) throws Exception {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.split(";", 2)[0].strip().equalsIgnoreCase("multipart/form-data")) {
            return refuse(request, response, callback, ctx, s, unit, api, 415, "upload",
                    "send the document as multipart/form-data (fields and files), not " + (type == null ? "nothing" : LogSafe.of(type)), Map.of());
        }
        long bound = maxDocumentBytes + FORM_OVERHEAD;
        long declared = request.getLength();
        if (declared > bound) {
            // the form's text fields are read on the way (files skipped), so the send page comes back filled in
            TypedFields typed = TypedFields.of(type);
            drain(request, response, declared <= 2 * bound ? declared : 0, typed);
            return refuse(request, response, callback, ctx, s, unit, api, 413, "files", declared + " bytes uploaded exceed the limit of "
                    + maxDocumentBytes + " bytes of files (" + maxDocumentBytes / (1024 * 1024) + " MB)", typed.fields());
        }
        Upload upload;
        try {
            MultiPartConfig config = new MultiPartConfig.Builder().maxSize(bound).maxPartSize(maxDocumentBytes)
                    .maxMemoryPartSize(maxDocumentBytes).maxParts(MAX_PARTS).build();
            MultiPartFormData.Parts parts = MultiPartFormData.getParts(request, request, type, config);
            upload = Upload.of(parts);
        } catch (DocumentRefused e) {
            return refuse(request, response, callback, ctx, s, unit, api, 422, e.field(), e.getMessage(), Map.of());
        } catch (RuntimeException e) {
            String why = rootMessage(e);
            LOG.info("exchange: upload by {} refused: {}", LogSafe.of(ctx.user().name()), LogSafe.of(why));
            boolean tooLarge = why.toLowerCase(java.util.Locale.ROOT).contains("max");
            if (tooLarge) {
                drain(request, response, 2 * bound, null);
            }
            return refuse(request, response, callback, ctx, s, unit, api, tooLarge ? 413 : 400, tooLarge ? "files" : "upload",
                    tooLarge ? "the upload exceeds the limit of " + maxDocumentBytes + " bytes of files"
                            : "the upload is truncated or malformed (" + LogSafe.of(why) + "): nothing was stored; send it again", Map.of());
        }
        Document doc;
        try {
            doc = upload.document(unit, clock.instant(), defaultDeadline);
            if (doc.size() > maxDocumentBytes) {
                return refuse(request, response, callback, ctx, s, unit, api, 413, "files",
                        doc.size() + " bytes of files exceed the limit of " + maxDocumentBytes + " bytes", upload.fields);
            }
        } catch (DocumentRefused e) {
            return refuse(request, response, callback, ctx, s, unit, api, 422, e.field(), e.getMessage(), upload.fields);
        }
        boolean resend = s.store().outgoing(doc.meta().messageId()).isPresent();
        OutgoingRecord rec;
        try {
            rec = s.send(doc);
        } catch (DocumentRefused e) {
            ctx.audit("send document", doc.meta().messageId(), "refused: " + e.getMessage());
            return refuse(request, response, callback, ctx, s, unit, api, 422, e.field(), e.getMessage(), upload.fields);
        }
        ctx.audit(resend ? "resend document" : "send document", rec.messageId() + " " + rec.docNumber() + " to "
                + String.join(",", rec.recipients().keySet()), resend ? "already stored" : "stored");
        if (api) {
            return json(response, callback, resend ? 200 : 201, Views.outgoing(rec));
        }
        Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, "/exchange/out/" + rec.messageId(), true);
        return true;
    }

    private boolean refuse(Request request, Response response, Callback callback, SectionContext ctx, ExchangeService s, UnitCode unit,
                           boolean api, int status, String field, String message, Map<String, String> values) throws Exception {
        if (api) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("error", message);
            v.put("field", field);
            return json(response, callback, status, v);
        }
        response.setStatus(status);
        return sendPage(response, callback, ctx, s, unit, values, message);
    }

    /**
     * The send form, filled in with {@code values} and the refusal {@code error} when given. The
     * recipients it offers are the directory's units (the hub sends the directory when the backbone
     * is up) and this box's own; a box that never had the backbone has no directory, and the page
     * says so rather than offering an empty list without a word.
     */
    private boolean sendPage(Response response, Callback callback, SectionContext ctx, ExchangeService s, UnitCode unit,
                             Map<String, String> values, String error) throws SQLException {
        Recipients recipients = recipients(s, unit);
        ctx.render(response, callback, "发文 Send", html(out -> JtesendGenerated.render(out, null, values, error, recipients,
                ctx.csrfToken(), maxDocumentBytes / (1024 * 1024))));
        return true;
    }

    /** The unit a clerk acts for: the account's, when the exchange here serves it. */
    static Optional<UnitCode> clerkUnit(ConsoleUser user, ExchangeService s) {
        if (!UnitCode.isValid(user.unit())) {
            return Optional.empty();
        }
        UnitCode u = UnitCode.parse(user.unit());
        return s.units().contains(u) ? Optional.of(u) : Optional.empty();
    }

    /** What a clerk of {@code self} can send to, and whether the hub's directory is here: for the send page and the API alike. */
    private static Recipients recipients(ExchangeService s, UnitCode self) throws SQLException {
        return Recipients.of(s.store().directoryUnits(), s.units(), self);
    }

    /**
     * Reads and drops what the client is still sending of a refused upload, up to {@code max} bytes:
     * a connection closed with unread data is reset, and the client (still sending) would see the reset
     * instead of the 413. When the body is not read to its end the answer says {@code Connection: close},
     * so that no client sends its next request on a connection the server is about to drop.
     * The bytes read go to {@code typed} when given (the send form's text fields, for the page that answers).
     */
    private static void drain(Request request, Response response, long max, TypedFields typed) {
        boolean ended = false;
        try (java.io.InputStream in = org.eclipse.jetty.io.Content.Source.asInputStream(request)) {
            byte[] buffer = new byte[16 * 1024];
            long read = 0;
            for (int n; !ended && read <= max; ) { // one read past max sees the end
                n = in.read(buffer);
                ended = n < 0;
                if (typed != null) {
                    typed.read(buffer, n);
                }
                read += Math.max(n, 0);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the client went away or the body ended badly: the answer is sent (or not) all the same
        }
        if (!ended) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    /** The {@code limit} of a JSON list ({@link #LIST_LIMIT} when not given), or -1 when it is not a whole number from 1 to {@link #MAX_LIST_LIMIT}. */
    private static int limit(String text) {
        if (text == null) {
            return LIST_LIMIT;
        }
        if (!text.matches("\\d{1,5}")) {
            return -1;
        }
        int n = Integer.parseInt(text);
        return n >= 1 && n <= MAX_LIST_LIMIT ? n : -1;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    private static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean notFound(Response response, Callback callback, boolean api, String message) {
        return api ? json(response, callback, 404, Map.of("error", message)) : text(response, callback, 404, message);
    }

    static boolean json(Response response, Callback callback, int status, Object body) {
        try {
            UnreadBody.beforeAnswer(response, status);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            callback.failed(e);
        }
        return true;
    }

    private static boolean text(Response response, Callback callback, int status, String message) {
        UnreadBody.beforeAnswer(response, status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    /** A template's output as content for the console's layout, escaped for HTML. */
    static Content html(Consumer<HtmlTemplateOutput> template) {
        return (TemplateOutput output) -> template.accept(output instanceof HtmlTemplateOutput h ? h : new OwaspHtmlTemplateOutput(output));
    }
}
