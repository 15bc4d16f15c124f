package cn.egov.exchange.cms;

import cn.egov.exchange.model.DocumentRefused;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyAgreeRecipientId;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;

/** Opens a {@link CmsEncryptor} message with one recipient's key. */
public final class CmsDecryptor {

    private CmsDecryptor() {
    }

    public static byte[] decrypt(byte[] der, DecryptionKey key) {
        CMSEnvelopedData env;
        try {
            env = new CMSEnvelopedData(der);
        } catch (CMSException | IllegalArgumentException | ClassCastException e) {
            throw new DocumentRefused("document", "is not a readable CMS EnvelopedData message (damaged or truncated): " + e.getMessage());
        }
        RecipientInformation ri = env.getRecipientInfos().get(new KeyAgreeRecipientId(
                key.certificate().getIssuerX500Principal().getEncoded() == null ? null
                        : org.bouncycastle.asn1.x500.X500Name.getInstance(key.certificate().getIssuerX500Principal().getEncoded()),
                key.certificate().getSerialNumber()));
        if (ri == null) {
            throw new DocumentRefused("document", "is not encrypted for this unit's certificate " + key.certificate().getSerialNumber().toString(16));
        }
        try {
            // decrypted into one array of the ciphertext's length (the plaintext is at most that): Bouncy
            // Castle's getContent grows a buffer from a few bytes and copies the megabyte several times
            var encrypted = EnvelopedData.getInstance(env.toASN1Structure().getContent()).getEncryptedContentInfo().getEncryptedContent();
            if (encrypted == null) {
                throw new DocumentRefused("document", "carries no encrypted content");
            }
            int most = encrypted.getOctets().length;
            try (InputStream in = ri.getContentStream(new JceKeyAgreeEnvelopedRecipient(key.key()).setProvider(BcProvider.get())
                    .setContentProvider("SunJCE")).getContentStream()) {
                byte[] b = new byte[most];
                int n = in.readNBytes(b, 0, most);
                if (in.read() >= 0) {
                    throw new DocumentRefused("document", "decrypts to more than its encrypted content's length");
                }
                return n == most ? b : Arrays.copyOf(b, n);
            }
        } catch (CMSException | IOException e) {
            throw new DocumentRefused("document", "cannot be decrypted with this unit's key: " + e.getMessage());
        }
    }

}
