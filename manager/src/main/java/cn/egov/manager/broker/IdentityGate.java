package cn.egov.manager.broker;

import cn.egov.rules.unit.UnitCode;
import java.util.Objects;
import java.util.Optional;

/**
 * The manager's rules for who may connect on which listener; nothing gets in anonymously.
 *
 * <ul>
 *   <li>{@link Listener#INTERNAL}: the manager's own user and secret only ({@link InternalClientGate}).</li>
 *   <li>{@link Listener#TLS}: a box with its provincial CA certificate, client id = the certificate's
 *       unit code (the CA part's authenticator decides).</li>
 *   <li>{@link Listener#PLAIN} (lab only): user name = client id = a unit code with a line in the lab
 *       password file, and its password.</li>
 *   <li>{@link Listener#NOC}: a user of the NOC password file; its client id may not be a unit code,
 *       or it would take that box's session over.</li>
 * </ul>
 * On every listener but the internal one the manager's client id is refused, and a box must be a
 * unit of the province that the plan in force declares ({@link UnitAdmission}).
 */
public final class IdentityGate implements ConnectGate {

    private final String managerClientId;
    private final InternalClientGate internal;
    private final ClientAuthenticator certificates;
    private final PasswordFile labBoxes;
    private final PasswordFile nocUsers;
    private final UnitAdmission units;

    /**
     * @param managerClientId the manager's subscriber's client id ({@code ingest.client-id}), reserved to the internal listener
     * @param certificates    judges TLS client certificates, or null without a TLS listener
     * @param labBoxes        the lab listener's password file, or null without one
     * @param nocUsers        the NOC listener's password file, or null without one
     */
    public IdentityGate(String managerClientId, InternalClientGate internal, ClientAuthenticator certificates,
                        PasswordFile labBoxes, PasswordFile nocUsers, UnitAdmission units) {
        this.managerClientId = Objects.requireNonNull(managerClientId, "managerClientId");
        this.internal = Objects.requireNonNull(internal, "internal");
        this.certificates = certificates;
        this.labBoxes = labBoxes;
        this.nocUsers = nocUsers;
        this.units = Objects.requireNonNull(units, "units");
    }

    @Override
    public Verdict decide(Listener listener, ClientCredentials c) {
        if (listener == Listener.INTERNAL) {
            return internal.authenticate(c);
        }
        if (managerClientId.equals(c.clientId())) {
            return Verdict.refuse(ConnectRefusal.RESERVED_CLIENT_ID,
                    "client id '" + managerClientId + "' is the manager's own, usable on its internal listener only");
        }
        return switch (listener) {
            case TLS -> box(c, certificates == null
                    ? Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS, "no certificate authority configured") : certificates.authenticate(c));
            case PLAIN -> box(c, labBox(c));
            case NOC -> noc(c);
            case INTERNAL -> throw new IllegalStateException("handled above");
        };
    }

    private Verdict box(ClientCredentials c, Verdict credentials) {
        if (!(credentials instanceof Verdict.Accepted a)) {
            return credentials;
        }
        String unit = a.identity().name();
        if (a.identity().role() != ClientRole.BOX || !unit.equals(c.clientId())) {
            return Verdict.refuse(ConnectRefusal.CLIENT_ID_MISMATCH,
                    "client id '" + c.clientId() + "' is not the unit it authenticated as (" + unit + ")");
        }
        Optional<Verdict.Refused> refused = units.check(unit);
        return refused.isPresent() ? refused.get() : credentials;
    }

    private Verdict labBox(ClientCredentials c) {
        String user = c.username();
        if (user == null || user.isEmpty()) {
            return Verdict.refuse(ConnectRefusal.ANONYMOUS, "no user name (a box gives its unit code and its lab password)");
        }
        if (!UnitCode.isValid(user)) {
            return Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS, "user '" + user + "' is not a unit code");
        }
        if (!user.equals(c.clientId())) {
            return Verdict.refuse(ConnectRefusal.CLIENT_ID_MISMATCH, "client id '" + c.clientId() + "' is not the user " + user);
        }
        return switch (labBoxes == null ? PasswordFile.Check.UNKNOWN_USER : labBoxes.check(user, c.password())) {
            case OK -> Verdict.accept(ClientRole.BOX, user);
            case UNKNOWN_USER -> Verdict.refuse(ConnectRefusal.NOT_ENROLLED, "unit " + user + " has no credential in the lab password file");
            case WRONG_PASSWORD -> Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS, "wrong password for unit " + user);
        };
    }

    private Verdict noc(ClientCredentials c) {
        String user = c.username();
        if (user == null || user.isEmpty()) {
            return Verdict.refuse(ConnectRefusal.ANONYMOUS, "no user name on the NOC listener");
        }
        if (c.clientId() == null || UnitCode.isValid(c.clientId())) {
            return Verdict.refuse(ConnectRefusal.CLIENT_ID_MISMATCH,
                    "a NOC client's id may not be a unit code ('" + c.clientId() + "'): it would take that box's session over");
        }
        boolean ok = nocUsers != null && nocUsers.check(user, c.password()) == PasswordFile.Check.OK;
        return ok ? Verdict.accept(ClientRole.NOC, user)
                : Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS, "unknown NOC user or wrong password for '" + user + "'");
    }
}
