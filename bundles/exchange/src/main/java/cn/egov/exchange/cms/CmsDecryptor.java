package cn.egov.exchange.cms;

import cn.egov.exchange.model.DocumentRefused;
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
            return ri.getContent(new JceKeyAgreeEnvelopedRecipient(key.key()).setProvider(BcProvider.get())
                    .setContentProvider("SunJCE"));
        } catch (CMSException e) {
            throw new DocumentRefused("document", "cannot be decrypted with this unit's key: " + e.getMessage());
        }
    }

}
