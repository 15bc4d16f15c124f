package cn.egov.exchange.cms;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Collection;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;

/**
 * CMS EnvelopedData (RFC 5652) for every recipient unit: AES-256-CBC content encryption, the key
 * wrapped (AES-256 key wrap) for each recipient's P-256 encryption certificate by ephemeral-static
 * ECDH with the X9.63 SHA-256 KDF (RFC 5753), as {@code openssl cms -encrypt} does for EC keys.
 */
public final class CmsEncryptor {

    private CmsEncryptor() {
    }

    public static byte[] encrypt(byte[] content, Collection<X509Certificate> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipient to encrypt for");
        }
        try {
            X509Certificate first = recipients.iterator().next();
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(((ECPublicKey) first.getPublicKey()).getParams());
            KeyPair ephemeral = kpg.generateKeyPair();
            JceKeyAgreeRecipientInfoGenerator kari = new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
                    ephemeral.getPrivate(), ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP).setProvider(BcProvider.get());
            for (X509Certificate r : recipients) {
                kari.addRecipient(r);
            }
            CMSEnvelopedDataGenerator g = new CMSEnvelopedDataGenerator();
            g.addRecipientInfoGenerator(kari);
            // the JDK's AES uses AES-NI; Bouncy Castle's is pure Java
            CMSEnvelopedData env = g.generate(new CMSProcessableByteArray(content),
                    new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).build());
            return env.getEncoded();
        } catch (GeneralSecurityException | CMSException | IOException | ClassCastException e) {
            throw new IllegalStateException("cannot encrypt for " + recipients.size() + " recipient(s): " + e.getMessage(), e);
        }
    }
}
