import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the NOC sees of one unit, as the technician's day needs it to end: the box CONNECTED (green
 * on /fleet), its isolation policy IN_FORCE with the manager's signed serial in force and no route
 * to the Internet, and no MAJOR or CRITICAL alarm standing (each one raised was CLEARED later).
 * It logs in with the form at /login as a NOC person would in a browser (the account the day prints),
 * so the printed log-in is proven to work, and reads the fleet page and the API with that session.
 * Compiled and run by technician-day.sh on the manager's class path (Jackson); by hand:
 * {@code java -cp 'manager/target/lib/*' image/lab/NocCheck.java URL ROOT_PEM USER PASSWORD_FILE UNIT}.
 * Prints one line per check; exit 0 when all pass, 1 otherwise.
 */
public final class NocCheck {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        Path root = Path.of(args[1]);
        String user = args[2];
        String password = Files.readAllLines(Path.of(args[3])).get(0).strip();
        String unit = args[4];
        HttpClient http = HttpClient.newBuilder().sslContext(trusting(root)).cookieHandler(new CookieManager()).build();
        logIn(http, base, user, password);
        ObjectMapper json = new ObjectMapper();
        List<String> failures = new ArrayList<>();

        String fleetPage = get(http, base + "/fleet", "text/html");
        if (!fleetPage.contains(unit)) {
            failures.add("the fleet page does not list " + unit);
        }
        JsonNode box = json.readTree(get(http, base + "/api/boxes/" + unit, "application/json"));
        String status = box.path("box").path("status").asText();
        System.out.println("NOC /fleet: " + unit + " " + status + (status.equals("CONNECTED") ? " (green)" : ""));
        if (!status.equals("CONNECTED")) {
            failures.add("the box is " + status);
        }

        JsonNode policy = json.readTree(get(http, base + "/api/policy/units/" + unit, "application/json"));
        JsonNode p = policy.path("unit");
        JsonNode signed = p.path("signed");
        System.out.println("NOC /policy: " + p.path("name").asText() + " " + p.path("version").asText() + " " + p.path("state").asText()
                + ", route guard " + p.path("routeState").asText() + ", signed serial in force " + signed.path("serialInForce").asLong()
                + " (sent " + signed.path("sentSerial").asLong() + ")");
        if (!p.path("state").asText().equals("IN_FORCE")) {
            failures.add("policy state " + p.path("state").asText());
        }
        if (!p.path("routeState").asText().equals("NO_ROUTE")) {
            failures.add("route guard " + p.path("routeState").asText());
        }
        if (signed.path("serialInForce").asLong() <= 0 || signed.path("serialInForce").asLong() != signed.path("sentSerial").asLong()) {
            failures.add("the signed policy sent is not the one in force");
        }

        // alarms newest first: a MAJOR/CRITICAL kind stands unless a CLEARED of that kind came after it
        Map<String, Boolean> clearedLater = new HashMap<>();
        List<String> standing = new ArrayList<>();
        int total = 0;
        for (JsonNode a : box.path("alarms")) {
            total++;
            String kind = a.path("kind").asText();
            String severity = a.path("severity").asText();
            if (severity.equals("CLEARED")) {
                clearedLater.put(kind, true);
            } else if ((severity.equals("MAJOR") || severity.equals("CRITICAL")) && !clearedLater.getOrDefault(kind, false)) {
                standing.add(severity + " " + kind + ": " + a.path("message").asText());
            }
        }
        System.out.println("NOC alarms of " + unit + ": " + total + " received, " + (standing.isEmpty() ? "no MAJOR or CRITICAL standing"
                : "standing: " + String.join("; ", standing)));
        failures.addAll(standing);
        if (!failures.isEmpty()) {
            System.out.println("NOT GREEN: " + String.join("; ", failures));
            System.exit(1);
        }
    }

    /** GET /login for the form's token (and its cookie), POST the form: a 303 with the session cookie is a log-in. */
    private static void logIn(HttpClient http, String base, String user, String password) throws Exception {
        Matcher token = Pattern.compile("name=\"_login\" value=\"([^\"]+)\"").matcher(get(http, base + "/login", "text/html"));
        if (!token.find()) {
            throw new IllegalStateException("GET " + base + "/login: no log-in form");
        }
        String form = "_login=" + enc(token.group(1)) + "&next=%2Ffleet&user=" + enc(user) + "&password=" + enc(password);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 303) {
            throw new IllegalStateException("log-in as " + user + " at " + base + "/login: HTTP " + r.statusCode()
                    + (r.body().contains("Wrong user name or password") ? " (wrong user name or password)" : ""));
        }
        System.out.println("NOC log-in: " + user + " logged in with the form at /login");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String get(HttpClient http, String url, String accept) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static SSLContext trusting(Path rootPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(rootPem)) {
            trust.setCertificateEntry("root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
