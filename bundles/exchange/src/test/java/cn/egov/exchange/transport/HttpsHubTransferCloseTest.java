package cn.egov.exchange.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * The transfer's watchdog thread lives as long as the transfer: closing it (the exchange's deactivation, a renewed
 * box certificate) ends the thread, so restarting the bundle leaves no idle thread behind; a request after that is
 * refused in one line.
 */
class HttpsHubTransferCloseTest {

    @Test
    void closingTheTransferEndsItsWatchdogThread() throws Exception {
        Set<Thread> before = watchdogs();
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        } // nothing listens there now: the request fails at once, after its guard was scheduled
        HttpsHubTransfer transfer = new HttpsHubTransfer(URI.create("https://127.0.0.1:" + port), SSLContext.getDefault(), Duration.ofSeconds(30));
        assertThrows(IOException.class, () -> transfer.fetch("m-1", 1 << 20));
        Set<Thread> started = new HashSet<>(watchdogs());
        started.removeAll(before);
        assertEquals(1, started.size(), "the first request started the transfer's watchdog thread");
        Thread watchdog = started.iterator().next();

        transfer.close();
        assertTimeoutPreemptively(Duration.ofMinutes(1), () -> watchdog.join(), "the watchdog thread outlives its transfer");
        assertFalse(watchdog.isAlive());

        IOException after = assertThrows(IOException.class, () -> transfer.fetch("m-2", 1 << 20));
        assertTrue(after.getMessage().contains("the hub transfer is closed"), after.getMessage());
        assertTrue(after.getMessage().contains("m-2"), after.getMessage());
    }

    private static Set<Thread> watchdogs() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(HttpsHubTransfer.WATCHDOG_THREAD))
                .collect(Collectors.toSet());
    }
}
