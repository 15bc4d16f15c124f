package cn.egov.manager.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TestAccounts;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log-in form as a person uses it: opened in two tabs (or reloaded), the first form still logs
 * in; a form posted without the browser's log-in cookie is still refused.
 */
class LoginFormWebTest {

    @TempDir
    Path dir;

    @Test
    void aSecondTabsFormDoesNotVoidTheFirst() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir)) {
            TestAccounts.add(m.database(), "noc-wang", Role.NOC);
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String first = token(browser, m);
            token(browser, m); // the second tab
            HttpResponse<String> in = logIn(browser, m, first);
            assertEquals(303, in.statusCode(), "the first tab's form logs in: " + in.body());

            HttpClient other = HttpClient.newHttpClient(); // no cookie: the token alone is not enough
            HttpResponse<String> forged = logIn(other, m, first);
            assertEquals(403, forged.statusCode(), forged.body());
        }
    }

    @Test
    void loggingInAgainEndsTheBrowsersEarlierSession() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir)) {
            TestAccounts.add(m.database(), "noc-wang", Role.NOC);
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String earlier = sessionCookie(logIn(browser, m, token(browser, m)));
            assertEquals(200, boxes(m, earlier).statusCode(), "the first session works");
            String later = sessionCookie(logIn(browser, m, token(browser, m))); // the browser sends the earlier cookie along
            assertTrue(!later.equals(earlier), later);
            assertEquals(401, boxes(m, earlier).statusCode(), "the earlier session ended at the second log-in");
            assertEquals(200, boxes(m, later).statusCode());
        }
    }

    private static String sessionCookie(HttpResponse<String> logIn) {
        assertEquals(303, logIn.statusCode(), logIn.body());
        return logIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(Sessions.PLAIN_COOKIE + "="))
                .map(c -> c.split(";", 2)[0]).findFirst().orElseThrow(() -> new AssertionError(logIn.headers().toString()));
    }

    private static HttpResponse<String> boxes(ManagerAssembly m, String cookie) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/boxes")).header("Cookie", cookie)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(HttpClient browser, ManagerAssembly m) throws Exception {
        String form = browser.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher t = Pattern.compile("name=\"_login\" value=\"([^\"]+)\"").matcher(form);
        assertTrue(t.find(), form);
        return t.group(1);
    }

    private static HttpResponse<String> logIn(HttpClient browser, ManagerAssembly m, String token) throws Exception {
        String body = "_login=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&user=noc-wang&password="
                + URLEncoder.encode(TestAccounts.PASSWORD, StandardCharsets.UTF_8);
        return browser.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
