package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who gets in on which listener, decided without a broker (the broker tests show the same with real clients). */
class IdentityGateTest {

    private static final String MANAGER_ID = "egov-manager";

    @TempDir
    Path dir;
    InternalClientGate internal;
    IdentityGate gate;

    @BeforeEach
    void gate() throws Exception {
        internal = new InternalClientGate();
        Path lab = Files.writeString(dir.resolve("lab.passwd"), PasswordFile.line("130602-001", "box-pw") + "\n"
                + PasswordFile.line("999999-001", "foreign-pw") + "\n");
        Path noc = Files.writeString(dir.resolve("noc.passwd"), PasswordFile.line("noc-li", "noc-pw") + "\n");
        // the TLS authenticator stands in for the certificate check: a "certificate" here is its unit code as user name
        ClientAuthenticator certificates = c -> c.username() == null
                ? Verdict.refuse(ConnectRefusal.ANONYMOUS, "no certificate") : Verdict.accept(ClientRole.BOX, c.username());
        UnitAdmission units = unit -> unit.startsWith("999999")
                ? Optional.of(new Verdict.Refused(ConnectRefusal.OUTSIDE_PROVINCE, "not Hebei")) : Optional.empty();
        gate = new IdentityGate(MANAGER_ID, internal, certificates, new PasswordFile(lab).load(), new PasswordFile(noc).load(), units);
    }

    private static ClientCredentials creds(String clientId, String user, String password) {
        return new ClientCredentials(clientId, user, password, List.of());
    }

    private ConnectRefusal refusal(Listener l, ClientCredentials c) {
        Verdict v = gate.decide(l, c);
        return v instanceof Verdict.Refused r ? r.reason() : null;
    }

    @Test
    void theInternalListenerTakesTheManagersSecretOnly() {
        assertEquals(Verdict.accept(ClientRole.MANAGER, InternalClientGate.INTERNAL_USER),
                gate.decide(Listener.INTERNAL, creds(MANAGER_ID, InternalClientGate.INTERNAL_USER, internal.secret())));
        assertEquals(ConnectRefusal.ANONYMOUS, refusal(Listener.INTERNAL, creds(MANAGER_ID, null, null)));
        assertEquals(ConnectRefusal.BAD_CREDENTIALS, refusal(Listener.INTERNAL, creds(MANAGER_ID, InternalClientGate.INTERNAL_USER, "guess")));
        assertEquals(ConnectRefusal.BAD_CREDENTIALS, refusal(Listener.INTERNAL, creds("130602-001", "130602-001", "box-pw")),
                "a box's password is no good on the manager's listener");
    }

    @Test
    void theManagersClientIdIsRefusedOnEveryOtherListenerWhateverTheCredentials() {
        assertEquals(ConnectRefusal.RESERVED_CLIENT_ID, refusal(Listener.PLAIN, creds(MANAGER_ID, "130602-001", "box-pw")));
        assertEquals(ConnectRefusal.RESERVED_CLIENT_ID, refusal(Listener.TLS, creds(MANAGER_ID, "130602-001", null)));
        assertEquals(ConnectRefusal.RESERVED_CLIENT_ID, refusal(Listener.NOC, creds(MANAGER_ID, "noc-li", "noc-pw")));
        assertEquals(ConnectRefusal.RESERVED_CLIENT_ID, refusal(Listener.PLAIN, creds(MANAGER_ID, InternalClientGate.INTERNAL_USER,
                internal.secret())), "not even with the manager's own secret");
    }

    @Test
    void aBoxIsOnlyItselfOnTheLabListener() {
        assertEquals(Verdict.accept(ClientRole.BOX, "130602-001"), gate.decide(Listener.PLAIN, creds("130602-001", "130602-001", "box-pw")));
        assertEquals(ConnectRefusal.ANONYMOUS, refusal(Listener.PLAIN, creds("130602-001", null, null)));
        assertEquals(ConnectRefusal.BAD_CREDENTIALS, refusal(Listener.PLAIN, creds("130602-001", "130602-001", "wrong")));
        assertEquals(ConnectRefusal.CLIENT_ID_MISMATCH, refusal(Listener.PLAIN, creds("130602-002", "130602-001", "box-pw")),
                "its own password, another box's client id");
        assertEquals(ConnectRefusal.NOT_ENROLLED, refusal(Listener.PLAIN, creds("130602-005", "130602-005", "any")));
        assertEquals(ConnectRefusal.BAD_CREDENTIALS, refusal(Listener.PLAIN, creds("noc-li", "noc-li", "noc-pw")), "not a unit");
        assertEquals(ConnectRefusal.OUTSIDE_PROVINCE, refusal(Listener.PLAIN, creds("999999-001", "999999-001", "foreign-pw")),
                "good credentials, but no unit of the province");
    }

    @Test
    void overTlsTheCertificateDecidesAndTheUnitMustBeKnown() {
        assertEquals(Verdict.accept(ClientRole.BOX, "130602-001"), gate.decide(Listener.TLS, creds("130602-001", "130602-001", null)));
        assertEquals(ConnectRefusal.ANONYMOUS, refusal(Listener.TLS, creds("130602-001", null, null)));
        assertEquals(ConnectRefusal.CLIENT_ID_MISMATCH, refusal(Listener.TLS, creds("130602-002", "130602-001", null)));
        assertEquals(ConnectRefusal.OUTSIDE_PROVINCE, refusal(Listener.TLS, creds("999999-001", "999999-001", null)));
    }

    @Test
    void aNocUserReadsUnderANameThatIsNoUnit() {
        assertEquals(Verdict.accept(ClientRole.NOC, "noc-li"), gate.decide(Listener.NOC, creds("noc-li-laptop", "noc-li", "noc-pw")));
        assertEquals(ConnectRefusal.ANONYMOUS, refusal(Listener.NOC, creds("noc-li-laptop", null, null)));
        assertEquals(ConnectRefusal.BAD_CREDENTIALS, refusal(Listener.NOC, creds("noc-li-laptop", "noc-li", "wrong")));
        assertEquals(ConnectRefusal.BAD_CREDENTIALS, refusal(Listener.NOC, creds("x", "130602-001", "box-pw")), "a box is no NOC user");
        assertEquals(ConnectRefusal.CLIENT_ID_MISMATCH, refusal(Listener.NOC, creds("130602-001", "noc-li", "noc-pw")),
                "a unit code as client id would take that box's session over");
    }
}
