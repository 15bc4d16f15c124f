package cn.egov.exchange.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.console.api.SectionContext;
import cn.egov.console.api.SectionServer;
import cn.egov.console.api.StandInSectionContext;
import cn.egov.exchange.TestPki;
import cn.egov.exchange.cms.Receipt;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.service.ExchangeSettings;
import cn.egov.exchange.service.HubLink;
import cn.egov.exchange.service.HubTransfer;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.exchange.store.ExchangeStore;
import cn.egov.lab.KeepAliveRequest;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clerk's REST API and pages over a real exchange service and SQLite store, on the console's
 * test {@link SectionServer} (a real Jetty server) that puts a {@link SectionContext} with the test's
 * user ({@code X-Test-User: name:unit}, a clerk) on each request, as the console does.
 */
class ExchangeSectionTest {

    static final UnitCode A1 = UnitCode.parse("130602-001");
    static final UnitCode A2 = UnitCode.parse("130602-002");
    static final UnitCode B1 = UnitCode.parse("130606-001");
    static final long MAX = 100_000;
    static TestPki pki;
    static List<LocalUnit> units;
    static byte[] b1Certificate;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    ExchangeStore store;
    ExchangeService service;
    final List<HubLink.Message> toHub = new CopyOnWriteArrayList<>();
    /** Message ids the service uploaded to the hub. */
    final List<String> uploaded = new CopyOnWriteArrayList<>();
    final List<String> audit = new CopyOnWriteArrayList<>();
    SectionServer server;
    volatile boolean ready = true;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void keys() throws Exception {
        pki = new TestPki("Hebei test CA");
        units = List.of(new LocalUnit(A1, pki.signing(A1), pki.encryption(A1)), new LocalUnit(A2, pki.sm2Signing(A2), pki.encryption(A2)));
        b1Certificate = pki.encryption(B1).certificate().getEncoded();
    }

    @BeforeEach
    void start() throws Exception {
        store = ExchangeStore.open(dir.resolve("a.db"));
        store.replaceDirectory(List.of(new ExchangeStore.DirectoryEntry(B1.toString(), "130606-001", b1Certificate)), Clock.systemUTC().instant());
        HubLink link = new HubLink() {
            @Override
            public void sendAll(List<Message> messages) {
                toHub.addAll(messages);
            }

            @Override
            public void alarm(cn.egov.api.telemetry.Alarm alarm) {
            }

            @Override
            public boolean urgentWaiting() {
                return false; // no outbox here
            }
        };
        HubTransfer transfer = new HubTransfer() {
            @Override
            public Answer upload(String messageId, KuraPayload document) {
                uploaded.add(messageId);
                return new Answer(null);
            }

            @Override
            public byte[] fetch(String messageId, long maxBytes) throws IOException {
                throw new IOException("not in this test");
            }
        };
        service = new ExchangeService("130602-001", new ExchangeSettings(MAX, Duration.ofDays(30), 100, Duration.ofSeconds(30),
                Duration.ofDays(3)), store, units, new TrustAnchors(List.of(pki.root), List.of(pki.issuing, pki.sm2Ca), Clock.systemUTC()),
                link, transfer, Clock.systemUTC());
        ExchangeSection section = new ExchangeSection(() -> ready ? service : null, () -> new NotReady("单位 130602-001 的公文密钥：本机尚未注册，无法申请。",
                "keys of unit 130602-001: the box is not enrolled yet"),
                MAX, Duration.ofDays(3), Clock.systemUTC());
        server = new SectionServer(section, request -> {
            String who = request.getHeaders().get("X-Test-User");
            String[] nameUnit = (who == null ? "li.wei:130602-001" : who).split(":");
            return new StandInSectionContext(new ConsoleUser(nameUnit[0], Set.of(Role.CLERK), nameUnit[1]), true, audit::add);
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    Multipart document(String title, String recipients, String classification, byte[] content) {
        return new Multipart().field("doc_number", "保水发〔2026〕9号").field("title", title).field("recipients", recipients)
                .field("urgency", "加急").field("classification", classification).field("deadline", "2099-12-31")
                .file("正文.pdf", "application/pdf", content).file("附件1.ofd", "application/ofd", "附件".getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(String path, Multipart m) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", m.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(m.bytes())).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> get(String path, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path));
        if (user != null) {
            b.header("X-Test-User", user);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Everything stored and everything handed to the hub (after an upload round): equal before and after a refusal. */
    String snapshot() throws Exception {
        service.uploadDue();
        return uploaded.size() + "/" + store.outbox(List.of(A1.toString(), A2.toString()), null, 1000).size() + "/"
                + store.inbox(List.of(A1.toString(), A2.toString()), null, 1000).size() + "/" + store.outgoingCounts() + "/" + toHub.size();
    }

    @Test
    void clerkSendsOverTheApiAndTheRecipientOnTheSameBoxHasItWithTheFilesAndTheSenderTheReceipt() throws Exception {
        byte[] body = "正文内容 PDF".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> sent = post("/exchange/api/documents", document("关于防汛的通知", A2 + ", " + B1, "非密", body));
        assertEquals(201, sent.statusCode(), sent.body());
        JsonNode rec = JSON.readTree(sent.body());
        String id = rec.path("message_id").asText();
        assertEquals("RECEIVED", rec.path("recipients").path(A2.toString()).path("state").asText(), "same box: received at once");
        assertEquals("QUEUED", rec.path("recipients").path(B1.toString()).path("state").asText(), "remote: queued for the hub");
        assertEquals(ExchangeService.Uploads.SOME, service.uploadDue());
        assertEquals(List.of(id), uploaded, "uploaded to the hub once");
        assertTrue(audit.get(0).startsWith("li.wei send document " + id), audit.toString());

        // the recipient unit's clerk: inbox, the document, its files byte for byte
        JsonNode inbox = JSON.readTree(get("/exchange/api/inbox", "wang.fang:" + A2).body());
        assertEquals(id, inbox.path("documents").get(0).path("message_id").asText());
        JsonNode doc = JSON.readTree(get("/exchange/api/inbox/" + id, "wang.fang:" + A2).body());
        assertEquals("正文.pdf", doc.path("files").get(0).path("name").asText());
        HttpResponse<byte[]> file = get("/exchange/api/inbox/" + id + "/files/0", "wang.fang:" + A2);
        assertArrayEquals(body, file.body());
        assertTrue(file.headers().firstValue("Content-Disposition").orElse("").contains("UTF-8''%E6%AD%A3%E6%96%87.pdf"));
        // the sender's clerk does not see A2's inbox, nor A2 the sender's outbox
        assertEquals(404, get("/exchange/api/inbox/" + id, "li.wei:" + A1).statusCode());
        assertEquals(404, get("/exchange/api/outbox/" + id, "wang.fang:" + A2).statusCode());

        // the sender: outbox with the receipt, which verifies and repeats the digests
        JsonNode out = JSON.readTree(get("/exchange/api/outbox/" + id, null).body());
        assertTrue(out.path("recipients").path(A2.toString()).path("receipt").asBoolean());
        byte[] receipt = get("/exchange/api/outbox/" + id + "/receipts/" + A2, null).body();
        Receipt r = Receipt.verify(receipt, new cn.egov.exchange.cms.CmsVerifier(new TrustAnchors(List.of(pki.root), Clock.systemUTC())));
        assertEquals(A2, r.recipient());
        assertEquals(2, r.parts().size());
        // and openssl reads the receipt A2 signed with SM2: it prints the GM/T 0010 SignedData
        Path p7 = Files.write(dir.resolve("receipt.p7s"), receipt);
        Process openssl = new ProcessBuilder("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", p7.toString())
                .redirectErrorStream(true).start();
        String printed = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, openssl.waitFor(), printed);
        assertTrue(printed.contains("1.2.156.10197.6.1.4.2.2") || printed.contains("sm2"), printed);

        // pages: outbox, the sent document with its recipients' states, the inbox of A2, search
        String outboxPage = text(get("/exchange/outbox", null));
        assertTrue(outboxPage.contains("关于防汛的通知") && outboxPage.contains("已签收 received"), outboxPage);
        String detail = text(get("/exchange/out/" + id, null));
        assertTrue(detail.contains("recipient-" + B1) && detail.contains("已到交换中心 at the hub"), detail);
        assertTrue(detail.contains("/exchange/out/" + id + "/receipt/" + A2), detail);
        assertTrue(text(get("/exchange/?q=防汛", "wang.fang:" + A2)).contains("关于防汛的通知"));
        assertFalse(text(get("/exchange/?q=没有这个", "wang.fang:" + A2)).contains("关于防汛的通知"));
    }

    @Test
    void anApplicationResendKeepsItsIdAndAddsNothing() throws Exception {
        HttpResponse<String> first = post("/exchange/api/documents", document("重发", B1.toString(), "非密", new byte[] {1, 2, 3}));
        String id = JSON.readTree(first.body()).path("message_id").asText();
        Multipart again = document("重发", B1.toString(), "非密", new byte[] {1, 2, 3}).field("message_id", id);
        HttpResponse<String> second = post("/exchange/api/documents", again);
        assertEquals(200, second.statusCode(), second.body());
        assertEquals(id, JSON.readTree(second.body()).path("message_id").asText());
        service.uploadDue();
        assertEquals(List.of(id), uploaded, "uploaded once");
        HttpResponse<String> other = post("/exchange/api/documents", document("另一份", B1.toString(), "非密", new byte[] {9}).field("message_id", id));
        assertEquals(422, other.statusCode());
        assertEquals("message id", JSON.readTree(other.body()).path("field").asText());
    }

    @Test
    void badInputIsRefusedInOneLineAndNothingStoredChanges() throws Exception {
        post("/exchange/api/documents", document("先有一份", B1.toString(), "非密", new byte[] {1}));
        String before = snapshot();

        HttpResponse<String> classified = post("/exchange/api/documents", document("机密文件", B1.toString(), "机密", new byte[] {1}));
        assertEquals(422, classified.statusCode());
        JsonNode c = JSON.readTree(classified.body());
        assertEquals("classification", c.path("field").asText());
        assertTrue(c.path("error").asText().contains("only 非密 documents may pass"), classified.body());

        HttpResponse<String> unknown = post("/exchange/api/documents", document("x", "139999-001", "非密", new byte[] {1}));
        assertEquals(422, unknown.statusCode());
        assertEquals("recipients[0]", JSON.readTree(unknown.body()).path("field").asText());
        assertTrue(unknown.body().contains("unknown to the exchange"), unknown.body());

        Multipart corrupted = document("损坏", B1.toString(), "非密", new byte[] {1, 2, 3})
                .field("sha256", Upload.sha256(new byte[] {1, 2, 4})).field("sha256", Upload.sha256("附件".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> bad = post("/exchange/api/documents", corrupted);
        assertEquals(422, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("the upload was corrupted"), bad.body());

        // truncated: the connection ends inside the first file, as when a client dies mid-upload
        Multipart big = document("截断", B1.toString(), "非密", new byte[5000]);
        String truncated = rawPost("/exchange/api/documents", big.contentType(), big.truncated(3000), true);
        assertTrue(truncated.startsWith("HTTP/1.1 400"), truncated);
        assertTrue(truncated.contains("truncated or malformed"), truncated);

        // over the limit: declared, and sent chunked without a length
        // well past the limit, so the server refuses while the client is still sending (the answer must still arrive)
        Multipart huge = document("太大", B1.toString(), "非密", new byte[(int) MAX + 250_000]);
        HttpResponse<String> declared = post("/exchange/api/documents", document("太大", B1.toString(), "非密", new byte[(int) MAX + 300_000]));
        assertEquals(413, declared.statusCode(), declared.body());
        // read to its end (it is within twice the limit), so the connection may be used again
        assertTrue(declared.headers().firstValue("connection").isEmpty(), declared.headers().toString());
        String tooFar = rawPost("/exchange/api/documents", huge.contentType(), new byte[0], false, 8 * (MAX + 256 * 1024));
        assertTrue(tooFar.startsWith("HTTP/1.1 413") && tooFar.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), tooFar);
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(server.uri("/exchange/api/documents"))
                .header("Content-Type", huge.contentType())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge.bytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertEquals("files", JSON.readTree(chunked.body()).path("field").asText());
        // the same, sent slowly: the client is still writing long after the server has refused; it must still get
        // the 413 rather than a reset connection
        String slow = slowChunkedPost("/exchange/api/documents", huge.contentType(), huge.bytes());
        assertTrue(slow.startsWith("HTTP/1.1 413"), slow);

        HttpResponse<String> json = http.send(HttpRequest.newBuilder(server.uri("/exchange/api/documents"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, json.statusCode());

        assertEquals(before, snapshot(), "nothing stored or sent changed");
    }

    /**
     * A document system whose file name holds a quote writes it unescaped ({@code filename="附件"1.pdf"}, as
     * hand-written multipart code does); Jetty then reports no file name. The file was skipped
     * as "the browser's empty file input" and the document went out without it, the clerk told it was sent.
     */
    @Test
    void aFileWhoseNameCannotBeReadIsRefusedNotDroppedWithTheRestSent() throws Exception {
        String before = snapshot();
        Multipart m = new Multipart().field("doc_number", "保水发〔2026〕9号").field("title", "两个文件").field("recipients", B1.toString())
                .field("classification", "非密").file("正文.pdf", "application/pdf", new byte[] {1, 2, 3})
                .file("附件\"1.pdf", "application/pdf", new byte[] {4, 5, 6});
        HttpResponse<String> r = post("/exchange/api/documents", m);
        assertEquals(422, r.statusCode(), r.body());
        JsonNode e = JSON.readTree(r.body());
        assertEquals("files[1]", e.path("field").asText(), r.body());
        assertTrue(e.path("error").asText().contains("3 bytes without a readable file name"), r.body());
        assertEquals(before, snapshot(), "nothing stored or sent");

        // the browser's empty file input (no name, no content) is still no file
        Multipart empty = document("空的文件框", B1.toString(), "非密", new byte[] {1}).file("", "application/octet-stream", new byte[0]);
        assertEquals(201, post("/exchange/api/documents", empty).statusCode());
    }

    /** The clerk picked a date on the form (China): the refusal quoted UTC instants with nanoseconds, another day and hour. */
    @Test
    void aDeadlineInThePastIsRefusedInChinaTime() throws Exception {
        Multipart m = new Multipart().field("doc_number", "保水发〔2026〕9号").field("title", "过期").field("recipients", B1.toString())
                .field("classification", "非密").field("deadline", "2020-01-01").file("正文.pdf", "application/pdf", new byte[] {1});
        HttpResponse<String> r = post("/exchange/api/documents", m);
        assertEquals(422, r.statusCode(), r.body());
        JsonNode e = JSON.readTree(r.body());
        assertEquals("deadline", e.path("field").asText());
        assertTrue(e.path("error").asText().matches("deadline: 2020-01-02 00:00 \\(China time\\) has passed: "
                + "a deadline must be after the time of sending, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d"), r.body());
    }

    /** A search is for the text typed: % and _ (SQL LIKE wildcards) matched every document. */
    @Test
    void aSearchForPercentOrUnderscoreFindsThoseCharactersNotEverything() throws Exception {
        for (String title : List.of("完成率100%的通报", "关于A_B的通知", "其他")) {
            assertEquals(201, post("/exchange/api/documents", document(title, A2.toString(), "非密", new byte[] {1})).statusCode());
        }
        for (String[] q : new String[][] {{"%25", "完成率100%的通报"}, {"_", "关于A_B的通知"}}) {
            JsonNode found = JSON.readTree(get("/exchange/api/inbox?q=" + q[0], "wang.fang:" + A2).body()).path("documents");
            assertEquals(1, found.size(), q[0] + ": " + found);
            assertEquals(q[1], found.get(0).path("title").asText());
            JsonNode sent = JSON.readTree(get("/exchange/api/outbox?q=" + q[0], null).body()).path("documents");
            assertEquals(1, sent.size(), q[0] + ": " + sent);
        }
    }

    /**
     * The media type of a received file is the sender's word. Served from the console's own origin, a
     * script or markup type would let another unit's file run as the console's script ({@code script-src 'self'})
     * should any page ever echo a tag: such files are served as bytes to save; a PDF keeps its type.
     */
    @Test
    void aReceivedFileThatBrowsersWouldRunIsServedAsBytesToSave() throws Exception {
        Multipart m = new Multipart().field("doc_number", "保水发〔2026〕9号").field("title", "类型").field("recipients", A2.toString())
                .field("classification", "非密").file("正文.pdf", "application/pdf", new byte[] {1})
                .file("a.js", "text/javascript", "alert(1)".getBytes(StandardCharsets.UTF_8))
                .file("b.svg", "image/svg+xml", "<svg/>".getBytes(StandardCharsets.UTF_8))
                .file("c.html", "text/html", "<p>".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> sent = post("/exchange/api/documents", m);
        assertEquals(201, sent.statusCode(), sent.body());
        String id = JSON.readTree(sent.body()).path("message_id").asText();
        List<String> served = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            served.add(get("/exchange/in/" + id + "/file/" + n, "wang.fang:" + A2).headers().firstValue("Content-Type").orElse(""));
        }
        assertEquals(List.of("application/pdf", "application/octet-stream", "application/octet-stream", "application/octet-stream"), served);
    }

    @Test
    void theSendPageShowsARefusalWithTheFormKeptAndACsrfTokenInItsAction() throws Exception {
        String form = text(get("/exchange/send", null));
        assertTrue(form.contains("action=\"/exchange/send?_csrf=test-csrf\"") && form.contains("enctype=\"multipart/form-data\""), form);
        assertTrue(form.contains("<option value=\"" + B1 + "\">"), "known recipients offered: " + form);
        HttpResponse<String> refused = post("/exchange/send", document("秘密的通知", B1.toString(), "秘密", new byte[] {1}));
        assertEquals(422, refused.statusCode());
        assertTrue(refused.body().contains("only 非密 documents may pass") && refused.body().contains("value=\"秘密的通知\""), refused.body());
        HttpResponse<String> ok = post("/exchange/send", document("平常的通知", B1.toString(), "非密", new byte[] {1}));
        assertEquals(303, ok.statusCode());
        assertTrue(ok.headers().firstValue("Location").orElse("").contains("/exchange/out/"));
    }

    /**
     * A box whose backbone has not been up since it was set up has no directory from the hub: the
     * send page offered only the box's own other units (or nothing) without a word why; it says what
     * is missing and what to do, on the page and after a refusal.
     */
    @Test
    void theSendPageOfABoxWithoutTheHubsDirectorySaysWhyItOffersSoLittle() throws Exception {
        String withDirectory = text(get("/exchange/send", null));
        assertFalse(withDirectory.contains("id=\"no-directory\""), withDirectory);

        store.replaceDirectory(List.of(), Clock.systemUTC().instant()); // as on a box the hub never reached
        String page = text(get("/exchange/send", null));
        int at = page.indexOf("<p id=\"no-directory\"");
        assertTrue(at >= 0, "the empty directory is explained: " + page);
        String line = page.substring(at, page.indexOf("</p>", at));
        assertTrue(line.contains("收文单位目录为空") && line.contains("The directory of recipient units is empty")
                && line.contains("sends it when the backbone is up") && line.contains("only to the units this box serves (" + A2 + ")"), line);
        assertFalse(page.contains("<option value=\"" + B1 + "\">"), page);

        HttpResponse<String> refused = post("/exchange/send", document("关于防汛的通知", B1.toString(), "非密", new byte[] {1}));
        assertEquals(422, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("unknown to the exchange") && refused.body().contains("id=\"no-directory\""), refused.body());
    }

    /** An API client can tell "no recipients because the hub's directory has not arrived" from an empty directory answer. */
    @Test
    void theUnitsApiSaysWhetherTheBoxHasTheHubsDirectory() throws Exception {
        JsonNode with = JSON.readTree(text(get("/exchange/api/units", null)));
        assertEquals("received", with.path("directory").asText(), with.toString());
        assertEquals(A1.toString(), with.path("unit").asText());
        assertEquals(List.of(A2.toString(), B1.toString()), JSON.convertValue(with.path("recipients"), List.class), with.toString());

        store.replaceDirectory(List.of(), Clock.systemUTC().instant()); // as on a box the hub never reached
        JsonNode without = JSON.readTree(text(get("/exchange/api/units", null)));
        assertEquals("missing", without.path("directory").asText(), without.toString());
        assertEquals(List.of(A2.toString()), JSON.convertValue(without.path("recipients"), List.class),
                "only the other unit this box serves: " + without);
    }

    /** A clerk's first look, with nothing yet: each list says why it is empty and where documents come from. */
    @Test
    void emptyInboxAndOutboxSayWhyAndASearchWithoutMatchSaysSo() throws Exception {
        assertTrue(text(get("/exchange/", null)).contains("尚未收到公文：其他单位发给本单位的公文到达后会显示在这里"));
        assertTrue(text(get("/exchange/outbox", null)).contains("尚未发文：用“发文 Send”发出的公文会显示在这里"));
        String search = text(get("/exchange/?q=%E9%98%B2%E6%B1%9B", null));
        assertTrue(search.contains("没有符合“防汛”的公文") && search.contains("No document matches “防汛”"), search);
    }

    /** A browser declares the upload's length: one over the limit is refused unread, but what the clerk typed comes back. */
    @Test
    void anUploadOverTheLimitBringsBackTheFormWithWhatTheClerkTyped() throws Exception {
        String before = snapshot();
        Multipart tooLarge = new Multipart().field("doc_number", "保水发〔2026〕10号").field("title", "关于<汛期>值守的通知")
                .field("recipients", B1.toString()).field("recipients", A2.toString()).field("urgency", "URGENT")
                .field("classification", "NON_SECRET").field("deadline", "2099-12-31")
                .file("正文.pdf", "application/pdf", new byte[(int) MAX + 300_000]);
        HttpResponse<String> refused = post("/exchange/send", tooLarge);
        assertEquals(413, refused.statusCode());
        String page = refused.body();
        assertTrue(page.contains("exceed the limit of " + MAX + " bytes of files (" + MAX / (1024 * 1024) + " MB)"), page);
        assertTrue(page.contains("value=\"保水发〔2026〕10号\"") && page.contains("value=\"关于&lt;汛期>值守的通知\"")
                && page.contains("value=\"" + B1 + "," + A2 + "\""), "the fields kept, escaped: " + page);
        assertTrue(page.contains("<option value=\"URGENT\" selected>"), page);
        assertTrue(refused.headers().firstValue("connection").isEmpty(), "the body was read: the connection is kept");
        assertEquals(before, snapshot(), "nothing stored or sent");
    }

    @Test
    void theSendFormOffersOnlyTheClassificationThatMaySend() throws Exception {
        String form = text(get("/exchange/send", null));
        String select = form.substring(form.indexOf("<select id=\"classification\""));
        select = select.substring(0, select.indexOf("</select>"));
        assertEquals(1, select.split("<option ", -1).length - 1, select);
        assertTrue(select.contains("value=\"NON_SECRET\""), select);
    }

    @Test
    void aListLimitThatIsNotAWholeNumberInRangeIsRefusedNamingIt() throws Exception {
        for (String list : List.of("inbox", "outbox")) {
            assertEquals(200, get("/exchange/api/" + list + "?limit=1", null).statusCode());
            assertEquals(200, get("/exchange/api/" + list + "?limit=10000", null).statusCode());
            for (String bad : List.of("abc", "0", "-1", "10001", "1.5", "99999999999", "")) {
                HttpResponse<byte[]> r = get("/exchange/api/" + list + "?limit=" + bad, null);
                assertEquals(400, r.statusCode(), list + " limit=" + bad);
                JsonNode e = JSON.readTree(r.body());
                assertEquals("limit", e.path("field").asText());
                assertEquals("limit: '" + bad + "' is not a whole number from 1 to 10000 (the most documents listed; 200 when not given)",
                        e.path("error").asText());
            }
        }
    }

    @Test
    void aClerkOfAUnitThisBoxDoesNotServeAndAnExchangeNotReadyAreTold() throws Exception {
        HttpResponse<byte[]> other = get("/exchange/api/inbox", "zhao:130699-001");
        assertEquals(403, other.statusCode());
        assertTrue(text(other).contains("does not serve"), text(other));
        String otherPage = text(get("/exchange/", "zhao:130699-001"));
        assertTrue(otherPage.contains("<p class=\"message bad\" id=\"not-served\">账号 zhao 属于单位 130699-001，本机的公文交换不为该单位服务")
                && otherPage.contains("<span class=\"en\">Account zhao belongs to unit 130699-001, "
                + "which the exchange on this box does not serve"), otherPage);
        assertFalse(otherPage.contains("尚未就绪") || otherPage.contains("not ready"), "the exchange runs: not called not ready");
        ready = false;
        HttpResponse<byte[]> waiting = get("/exchange/api/inbox", null);
        assertEquals(503, waiting.statusCode());
        assertTrue(text(waiting).contains("not enrolled"), text(waiting));
        assertTrue(text(get("/exchange/", null)).contains("<p class=\"message bad\" id=\"not-ready\">公文交换尚未就绪："
                + "单位 130602-001 的公文密钥：本机尚未注册，无法申请。 <span class=\"en\">The document exchange is not ready: "
                + "keys of unit 130602-001: the box is not enrolled yet</span></p>"), "Chinese first, then English");
    }

    /**
     * Jetty closes a connection whose request body was not read: a refusal written before the body
     * arrived (415 wrong type, 403 a unit not served here) says so, or a keep-alive client sends its
     * next request into the closing connection; after the whole body the connection is kept.
     */
    @Test
    void aRefusalBeforeTheBodyArrivedSaysTheConnectionCloses() throws Exception {
        for (var refusal : Map.of("li.wei:130602-001", 415, "zhao:130699-001", 403).entrySet()) {
            String head = "POST /exchange/api/documents HTTP/1.1\r\nHost: x\r\nX-Test-User: " + refusal.getKey()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 2";
            URI u = server.base();
            try (Socket s = new Socket(u.getHost(), u.getPort())) {
                KeepAliveRequest.Answer early = KeepAliveRequest.send(s, head, "");
                assertEquals(refusal.getValue(), early.status());
                assertEquals("close", early.header("connection"), refusal.getKey());
            }
            try (Socket s = new Socket(u.getHost(), u.getPort())) {
                KeepAliveRequest.Answer whole = KeepAliveRequest.send(s, head, "{}");
                assertEquals(refusal.getValue(), whole.status());
                assertEquals(null, whole.header("connection"), "the whole body was read: the connection is kept");
            }
        }
    }

    /** A POST over a raw socket, the body cut off by closing the sending side. */
    String slowChunkedPost(String path, String contentType, byte[] body) throws Exception {
        URI u = server.base();
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType
                    + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int at = 0; at < body.length; at += 8192) {
                int n = Math.min(8192, body.length - at);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, at, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(5);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String rawPost(String path, String contentType, byte[] body, boolean closeEarly) throws Exception {
        return rawPost(path, contentType, body, closeEarly, body.length + (closeEarly ? 2000 : 0));
    }

    /** Declares {@code length} bytes, sends {@code body}, and reads the answer. */
    String rawPost(String path, String contentType, byte[] body, boolean closeEarly, long length) throws Exception {
        URI u = server.base();
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                    + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
