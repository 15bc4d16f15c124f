package cn.egov.manager.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.StderrCapture;
import cn.egov.manager.support.TestAccounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing over HTTP: after five failures within the window the sixth attempt, and the
 * right password after it, get 429 with Retry-After; every failure is one log line, with what the
 * client sent escaped. Accounts are read at every request: a removed account is refused at once.
 * (The window passing is shown with a movable clock in {@code LoginThrottleTest}.)
 */
class LoginThrottleWebTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(ManagerAssembly m, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/boxes")).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long gauge(ManagerAssembly m, String name) {
        return ((Number) m.meters().snapshot().get(name)).longValue();
    }

    @Test
    void theSixthWrongPasswordIsThrottledTheRightOneTooAndEveryFailureIsLogged() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir); StderrCapture log = new StderrCapture()) {
            TestAccounts.add(m.database(), "alice", Role.NOC);
            assertEquals(200, get(m, TestAccounts.basic("alice")).statusCode(), "alice's password works");
            for (int i = 1; i <= 5; i++) {
                assertEquals(401, get(m, TestAccounts.basic("alice", "wrong-" + i)).statusCode(), "attempt " + i);
            }
            HttpResponse<String> sixth = get(m, TestAccounts.basic("alice", "wrong-6"));
            assertEquals(429, sixth.statusCode(), sixth.body());
            long retry = Long.parseLong(sixth.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
            assertEquals(429, get(m, TestAccounts.basic("alice")).statusCode(), "the right password waits too");
            assertEquals(429, get(m, "Bearer " + ManagerFixture.NOC_TOKEN).statusCode(), "and so does every login from this address");
            String text = log.text();
            assertEquals(5, count(text, "login failed: user 'alice' from 127.0.0.1: wrong password"), text);
            assertEquals(3, count(text, "login refused: user") , text);
            assertEquals(5, gauge(m, "web.login.failures"));
            assertEquals(3, gauge(m, "web.login.throttled"));
        }
    }

    @Test
    void aForgedUserNameIsLoggedOnOneLineAndARemovedAccountIsRefusedAtOnce() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir); StderrCapture log = new StderrCapture()) {
            assertEquals(401, get(m, TestAccounts.basic("mallory\n2026-12-04 INFO forged line", "x")).statusCode());
            String text = log.text();
            assertTrue(text.contains("user 'mallory\\n2026-12-04 INFO forged line' from 127.0.0.1: no such account"), text);
            assertFalse(text.lines().anyMatch(l -> l.startsWith("2026-12-04 INFO forged line")), text);

            TestAccounts.add(m.database(), "bob", Role.AUDITOR);
            assertEquals(200, get(m, TestAccounts.basic("bob")).statusCode());
            new cn.egov.manager.account.AccountStore(m.database()).remove("bob");
            assertEquals(401, get(m, TestAccounts.basic("bob")).statusCode(), "removed: refused at the next request");
        }
    }

    private static int count(String text, String what) {
        return (int) text.lines().filter(l -> l.contains(what)).count();
    }
}
