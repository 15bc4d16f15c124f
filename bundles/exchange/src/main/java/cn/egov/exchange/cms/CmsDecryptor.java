package cn.egov.exchange.cms;

import cn.egov.exchange.model.DocumentRefused;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cms.CMSEnvelopedDataParser;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyAgreeRecipientId;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;

/** Opens a {@link CmsEncryptor} message with one recipient's key. */
public final class CmsDecryptor {

    private CmsDecryptor() {
    }

    /**
     * Streams the envelope (Bouncy Castle's {@link CMSEnvelopedDataParser}): the encrypted content goes
     * from the message through the cipher into one array, never parsed as ASN.1 objects first. Its
     * generator writes the content as a BER octet string in 1,000-byte pieces; reading the whole
     * message as objects built a thousand of them per megabyte and joined them again (the ASN.1 share
     * of the exchange's profile).
     */
    public static byte[] decrypt(byte[] der, DecryptionKey key) {
        try (InputStream in = stream(der, key)) {
            // the plaintext is shorter than the ciphertext, which is inside the message: one array of the message's length
            byte[] b = new byte[der.length];
            int n = in.readNBytes(b, 0, b.length);
            if (in.read() >= 0) {
                throw new DocumentRefused("document", "decrypts to more than its encrypted content's length");
            }
            return Arrays.copyOf(b, n);
        } catch (IOException | RuntimeException e) {
            throw refused(e);
        }
    }

    /**
     * The plaintext as a stream, decrypted as it is read (for {@link CmsVerifier#verify(InputStream, String,
     * cn.egov.rules.unit.UnitCode, CmsVerifier.ContentReader)}: the document is never a whole array between the
     * two). The padding is checked at its end: read it to the end before trusting what it gave.
     *
     * @throws DocumentRefused when the envelope's header is damaged or it is not for this key
     */
    public static InputStream stream(byte[] der, DecryptionKey key) {
        CMSEnvelopedDataParser env;
        RecipientInformation ri;
        try {
            env = new CMSEnvelopedDataParser(new ArrayInput(der));
            ri = env.getRecipientInfos().get(new KeyAgreeRecipientId(
                    X500Name.getInstance(key.certificate().getIssuerX500Principal().getEncoded()), key.certificate().getSerialNumber()));
        } catch (CMSException | IOException | RuntimeException e) {
            throw new DocumentRefused("document", "is not a readable CMS EnvelopedData message (damaged or truncated): " + e.getMessage());
        }
        if (ri == null) {
            throw new DocumentRefused("document", "is not encrypted for this unit's certificate " + key.certificate().getSerialNumber().toString(16));
        }
        try {
            // nothing to close: the message is an array
            return ri.getContentStream(new JceKeyAgreeEnvelopedRecipient(key.key()).setProvider(BcProvider.get())
                    .setContentProvider("SunJCE")).getContentStream();
        } catch (CMSException | IOException | RuntimeException e) {
            throw refused(e);
        }
    }

    /** A failure while decrypting, as one line. */
    static DocumentRefused refused(Exception e) {
        return e instanceof DocumentRefused r ? r
                : new DocumentRefused("document", "cannot be decrypted with this unit's key (damaged or truncated?): " + e.getMessage());
    }

    /**
     * An array as a stream, not synchronized: Bouncy Castle's BER parser reads the headers of the
     * content's thousand pieces a byte at a time, and {@code ByteArrayInputStream.read()} takes a lock
     * for each byte (it showed in the profile).
     */
    private static final class ArrayInput extends InputStream {
        private final byte[] b;
        private int at;

        ArrayInput(byte[] b) {
            this.b = b;
        }

        @Override
        public int read() {
            return at < b.length ? b[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] to, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, to.length);
            if (len == 0) {
                return 0;
            }
            if (at >= b.length) {
                return -1;
            }
            int n = Math.min(len, b.length - at);
            System.arraycopy(b, at, to, off, n);
            at += n;
            return n;
        }

        @Override
        public int available() {
            return b.length - at;
        }
    }
}
