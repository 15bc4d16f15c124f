package cn.egov.manager.export;

import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Calendar;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The manager's signature on the PDFs it exports: a key made at each start and certified by the
 * provincial CA under {@code REPORT_SIGNING} (kept in memory only, like the portal's signer), and
 * a PAdES baseline-B signature (subfilter {@code ETSI.CAdES.detached}: CMS SignedData over the
 * document's byte ranges with the signing-certificate-v2 attribute and no signing-time attribute;
 * the time is the signature dictionary's {@code /M}). Standard tools verify it:
 * {@code pdfsig report.pdf} says "Signature is Valid", and with the province's root in an NSS
 * database ({@code pdfsig -nssdir}) "Certificate is Trusted"; a changed byte gives "Digest Mismatch".
 *
 * @param key   the P-256 private key
 * @param chain signer certificate, then the issuing CA
 */
public record DocumentSigner(PrivateKey key, List<X509Certificate> chain) {

    /** Room kept in the document for the CMS signature (a P-256 signature and two certificates need ~2 KiB). */
    private static final int SIGNATURE_BYTES = 8192;
    private static final String HOLDER = "provincial manager report signer";

    public DocumentSigner {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a signer needs its certificate");
        }
    }

    /** A fresh key certified by the CA. */
    public static DocumentSigner issue(ProvincialCa ca) throws GeneralSecurityException {
        KeyPair pair = KeyPairs.p256();
        X509Certificate cert = ca.issueReportSigning(pair.getPublic(), HOLDER);
        return new DocumentSigner(pair.getPrivate(), List.of(cert, ca.issuingCertificate()));
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** {@code pdf} with the manager's signature added as an incremental update. */
    public byte[] sign(byte[] pdf, String reason) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDSignature signature = new PDSignature();
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(PDSignature.SUBFILTER_ETSI_CADES_DETACHED);
            signature.setName(certificate().getSubjectX500Principal().getName());
            signature.setReason(reason);
            signature.setSignDate(Calendar.getInstance());
            SignatureOptions options = new SignatureOptions();
            options.setPreferredSignatureSize(SIGNATURE_BYTES);
            doc.addSignature(signature, this::cms, options);
            ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + SIGNATURE_BYTES * 3);
            doc.saveIncremental(out);
            options.close();
            return out.toByteArray();
        }
    }

    /** CMS SignedData (detached) over the content PDFBox hands over: the document but the signature's place. */
    private byte[] cms(InputStream content) throws IOException {
        try {
            X509Certificate cert = certificate();
            ASN1EncodableVector signingCertificate = new ASN1EncodableVector();
            signingCertificate.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2, new DERSet(new SigningCertificateV2(
                    new ESSCertIDv2[]{new ESSCertIDv2(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256),
                            MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()),
                            new IssuerSerial(new GeneralNames(new GeneralName(X500Name.getInstance(cert.getIssuerX500Principal().getEncoded()))),
                                    cert.getSerialNumber()))}))));
            // PAdES baseline: content type, message digest, signing certificate; no signing-time attribute
            CMSAttributeTableGenerator signed = parameters -> new AttributeTable(signingCertificate)
                    .add(CMSAttributes.contentType, (ASN1ObjectIdentifier) parameters.get(CMSAttributeTableGenerator.CONTENT_TYPE))
                    .add(CMSAttributes.messageDigest, new DEROctetString((byte[]) parameters.get(CMSAttributeTableGenerator.DIGEST)));
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .setSignedAttributeGenerator(signed)
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key), cert));
            generator.addCertificates(new JcaCertStore(chain));
            return generator.generate(new CMSProcessableByteArray(content.readAllBytes()), false).getEncoded();
        } catch (GeneralSecurityException | OperatorCreationException | CMSException e) {
            throw new IOException("cannot sign the document: " + e.getMessage(), e);
        }
    }
}
