package cn.egov.vpn;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * A certificate subject spelled as a strongSwan identity: RDNs in their encoded order
 * ({@code C=CN, O=..., CN=...}). strongSwan compares DNs RDN by RDN in that order, so Java's
 * reversed RFC 2253 form would not match.
 */
public final class SubjectIds {

    private SubjectIds() {
    }

    public static String of(X509Certificate cert) {
        try {
            List<Rdn> rdns = new LdapName(cert.getSubjectX500Principal().getName()).getRdns();
            return rdns.stream().map(r -> r.getType() + "=" + r.getValue()).collect(Collectors.joining(", "));
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("certificate subject cannot be read: " + e.getMessage(), e);
        }
    }
}
