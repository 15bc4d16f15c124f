package cn.egov.manager.ca;

import cn.egov.manager.broker.ConnectRefusal;
import cn.egov.manager.broker.UnitAdmission;
import cn.egov.manager.broker.Verdict;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A unit may connect through RabbitMQ only while the CA's register holds a box certificate of it
 * that is valid now and not revoked. RabbitMQ's HTTP auth backend names the user (the unit code,
 * the certificate's CN) but never shows the certificate, so this is decided per unit, asked of the
 * register at every CONNECT: {@code manager ca revoke} of a unit's certificate refuses its next
 * CONNECT at once, whatever it logs in with (password or certificate). What it cannot tell apart:
 * a revoked certificate of a unit that also holds a newer good one (see manager/README.md).
 */
public final class RegisteredUnit implements UnitAdmission {

    private final ProvincialCa ca;

    public RegisteredUnit(ProvincialCa ca) {
        this.ca = ca;
    }

    @Override
    public Optional<Verdict.Refused> check(String unit) {
        List<IssuedCertificate> certificates;
        try {
            certificates = ca.certificatesOf(unit);
        } catch (GeneralSecurityException e) {
            return refuse("the CA register cannot be read: " + e.getMessage()); // fail closed
        }
        Instant now = Instant.now();
        List<IssuedCertificate> boxes = certificates.stream().filter(c -> c.profile() == CertificateProfile.BOX).toList();
        if (boxes.isEmpty()) {
            return Optional.of(new Verdict.Refused(ConnectRefusal.NOT_ENROLLED, "unit " + unit + " has no box certificate in the CA register"));
        }
        boolean good = boxes.stream().anyMatch(c -> !c.revoked() && !now.isBefore(c.notBefore()) && now.isBefore(c.notAfter()));
        return good ? Optional.empty()
                : refuse("every box certificate of unit " + unit + " is revoked or expired (" + boxes.size() + " in the CA register)");
    }

    private static Optional<Verdict.Refused> refuse(String detail) {
        return Optional.of(new Verdict.Refused(ConnectRefusal.BAD_CREDENTIALS, detail));
    }
}
