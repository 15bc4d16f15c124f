package cn.egov.manager.broker.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code egov-rabbitmq-users definitions} without a RabbitMQ node: every password hash is
 * RabbitMQ's {@code rabbit_password_hashing_sha256} of that user's password (base64 of a 4-byte
 * salt and SHA-256(salt || password)), each user its own salt, every line taken (the last one
 * too when the input does not end with a newline), and the permissions JSON-escaped.
 */
class UsersScriptDefinitionsTest {

    private static final Path SCRIPT = Path.of("rabbitmq", "egov-rabbitmq-users").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void eachHashIsRabbitMqsSaltedSha256OfItsUsersPasswordAndTheLastLineCountsWithoutANewline() throws Exception {
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put("egov-manager", "manager-password-0123");
        for (int i = 1; i <= 40; i++) {
            passwords.put(String.format("130602-%03d", i), "box-password-" + i + "-\"%\\x00");
        }
        StringBuilder lines = new StringBuilder("manager egov-manager " + passwords.get("egov-manager") + "\n");
        passwords.forEach((user, pw) -> {
            if (!user.equals("egov-manager")) {
                lines.append("box ").append(user).append(' ').append(pw).append('\n');
            }
        });
        lines.setLength(lines.length() - 1); // the last line without its newline: an editor's file often ends so

        JsonNode defs = JSON.readTree(definitions(lines.toString(), "/"));

        Set<String> salts = new HashSet<>();
        for (JsonNode u : defs.get("users")) {
            String user = u.get("name").asText();
            assertEquals("rabbit_password_hashing_sha256", u.get("hashing_algorithm").asText());
            byte[] hash = Base64.getDecoder().decode(u.get("password_hash").asText());
            assertEquals(36, hash.length, user);
            byte[] salt = Arrays.copyOf(hash, 4);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            byte[] expected = sha.digest(passwords.get(user).getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(expected, Arrays.copyOfRange(hash, 4, 36), user + "'s hash is of its password");
            salts.add(Base64.getEncoder().encodeToString(salt));
        }
        assertEquals(List.copyOf(passwords.keySet()), names(defs.get("users")), "every line, in order, the last one too");
        assertEquals(passwords.size(), salts.size(), "each user its own salt");
        assertEquals(passwords.size(), defs.get("permissions").size());
        assertEquals(passwords.size() - 1, defs.get("topic_permissions").size(), "a topic permission for each box");
    }

    @Test
    void aVhostWithAQuoteOrBackslashStaysOneJsonString() throws Exception {
        JsonNode defs = JSON.readTree(definitions("box 130602-001 box-password-0123\n", "v\"h\\x"));
        assertEquals("v\"h\\x", defs.get("permissions").get(0).get("vhost").asText());
        assertEquals("v\"h\\x", defs.get("topic_permissions").get(0).get("vhost").asText());
        assertEquals("^\\$EDC\\.hebei\\.130602-001\\.", defs.get("topic_permissions").get(0).get("read").asText());
        assertTrue(defs.get("topic_permissions").get(0).get("write").asText().startsWith("^(hebei\\.130602-001\\.|"));
    }

    private String definitions(String stdin, String vhost) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "definitions").directory(dir.toFile());
        pb.environment().put("EGOV_VHOST", vhost);
        Path err = dir.resolve("script.err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> "egov-rabbitmq-users definitions: " + readQuietly(err));
        return out;
    }

    private static List<String> names(JsonNode users) {
        return java.util.stream.StreamSupport.stream(users.spliterator(), false).map(u -> u.get("name").asText()).toList();
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
