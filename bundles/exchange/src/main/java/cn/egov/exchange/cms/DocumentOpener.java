package cn.egov.exchange.cms;

import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentRefused;
import java.util.List;

/** Decrypt, verify, unpack: the reverse of {@link DocumentSealer}, for one recipient unit. */
public final class DocumentOpener {

    private final CmsVerifier verifier;
    private final long maxBytes;

    public DocumentOpener(CmsVerifier verifier, long maxBytes) {
        this.verifier = verifier;
        this.maxBytes = maxBytes;
    }

    /** An opened document and the digests its receipt repeats. */
    public record Opened(Document document, List<PartDigest> digests, CmsVerifier.Signer signature) {
    }

    /**
     * @throws DocumentRefused when the envelope is damaged, not for this key, the signature does not
     *                         verify, or the signer is not the issuing unit the manifest names
     */
    public Opened open(byte[] envelope, DecryptionKey key) {
        // one pass: decrypted, digested for the signature and unpacked as it is read; the parts are the only
        // copies of the megabyte (before: the plaintext, the parsed message and the signed content were three
        // more), and none is used unless the signature and its chain hold
        CmsVerifier.Streamed<DocumentPackage.Opened> v = verifier.verify(CmsDecryptor.stream(envelope, key), "document", null,
                content -> DocumentPackage.read(content, maxBytes));
        DocumentPackage.Opened p = v.content();
        if (!p.document().meta().issuer().equals(v.signer().unit())) {
            throw new DocumentRefused("document", "names issuer " + p.document().meta().issuer() + " but is signed by unit " + v.signer().unit());
        }
        return new Opened(p.document(), p.digests(), v.signer());
    }
}
