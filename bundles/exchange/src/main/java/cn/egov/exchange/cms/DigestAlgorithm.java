package cn.egov.exchange.cms;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** The digests of document parts and receipts: SHA-256 for P-256 signers, SM3 for SM2 signers. */
public enum DigestAlgorithm {
    SHA256("SHA-256"),
    SM3("SM3");

    private final String jcaName;

    DigestAlgorithm(String jcaName) {
        this.jcaName = jcaName;
    }

    public String label() {
        return jcaName;
    }

    public static DigestAlgorithm parse(String label) {
        for (DigestAlgorithm d : values()) {
            if (d.jcaName.equalsIgnoreCase(label) || d.name().equalsIgnoreCase(label)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown digest algorithm '" + label + "'");
    }

    public MessageDigest newDigest() {
        try {
            // the JDK's SHA-256 (intrinsics) where it has one, Bouncy Castle's SM3 otherwise
            return this == SHA256 ? MessageDigest.getInstance(jcaName) : MessageDigest.getInstance(jcaName, BcProvider.get());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " is not available", e);
        }
    }

    public String hex(byte[] data) {
        return HexFormat.of().formatHex(newDigest().digest(data)).toLowerCase(Locale.ROOT);
    }
}
