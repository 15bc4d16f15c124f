package cn.egov.vpn;

import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Checks that the certificate the tunnel will present is this box's own: its subject CN is the
 * box's unit code (the provincial CA's box profile), so a box configured with another unit's
 * certificate refuses to start the tunnel instead of acting as that unit.
 */
public final class BoxCertificate {

    private BoxCertificate() {
    }

    public static X509Certificate requireUnit(Path certFile, UnitCode unit) {
        X509Certificate cert = read(certFile);
        String cn = commonName(certFile, cert);
        if (!unit.toString().equals(cn)) {
            throw new TunnelException("certificate " + certFile + " belongs to '" + cn + "', not to this box's unit "
                    + unit + "; refusing to start the tunnel as another unit");
        }
        return cert;
    }

    static X509Certificate read(Path certFile) {
        try (InputStream in = Files.newInputStream(certFile)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException e) {
            throw new TunnelException("cannot read the box certificate " + certFile + ": " + e.getMessage(), e);
        }
    }

    private static String commonName(Path file, X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new TunnelException("certificate " + file + " has an unreadable subject: " + e.getMessage(), e);
        }
        throw new TunnelException("certificate " + file + " has no CN in its subject");
    }
}
