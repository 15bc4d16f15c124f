package cn.egov.api.update;

import cn.egov.api.policy.PolicyBundleException;
import cn.egov.api.policy.PolicyBundleException.Check;
import cn.egov.api.policy.SignedPolicyBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A box update as it travels (file, MQTT request body): a zip of two entries, the signed envelope
 * ({@value #ENVELOPE}: {@link SignedPolicyBundle}'s format, signed by the manager's signing key,
 * around an {@link UpdateManifest}) and the Debian package ({@value #PACKAGE_ENTRY}), whose SHA-256
 * and size the manifest names. The package is not inside the signed JSON: it is tens of MB.
 *
 * <pre>{@code
 * byte[] wire = new BoxUpdate(SignedPolicyBundle.decode(envelope), debBytes).toBytes();
 * UpdateManifest m = verifier.verify(BoxUpdate.read(wire), unit, serialInForce);  // then install debBytes
 * }</pre>
 *
 * @param envelope the signed manifest
 * @param deb      the package's bytes
 */
public record BoxUpdate(SignedPolicyBundle envelope, byte[] deb) {

    public static final String ENVELOPE = "update.sig";
    public static final String PACKAGE_ENTRY = "egov-box.deb";
    /** Largest package accepted (the box's package is about 40 MB; the updater holds it in memory a few times). */
    public static final int MAX_PACKAGE_BYTES = 96 * 1024 * 1024;

    public BoxUpdate {
        deb = deb.clone();
    }

    @Override
    public byte[] deb() {
        return deb.clone();
    }

    /** The zip bytes. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(deb.length + 8192);
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(ENVELOPE));
            z.write(envelope.encode());
            z.closeEntry();
            // the package is compressed already
            z.setLevel(0);
            z.putNextEntry(new ZipEntry(PACKAGE_ENTRY));
            z.write(deb);
            z.closeEntry();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an update in memory", e);
        }
        return out.toByteArray();
    }

    /** Reads an update; anything but exactly the two entries, readable, is a {@link Check#FORMAT} error. */
    public static BoxUpdate read(byte[] bytes) throws PolicyBundleException {
        return read(new ByteArrayInputStream(bytes));
    }

    /** The same from a stream (a file: the package is not held twice); the caller closes {@code in}. */
    public static BoxUpdate read(InputStream in) throws PolicyBundleException {
        byte[] envelope = null;
        byte[] deb = null;
        try {
            ZipInputStream z = new ZipInputStream(in);
            ZipEntry e;
            int entries = 0;
            while ((e = z.getNextEntry()) != null) {
                entries++;
                switch (e.getName()) {
                    case ENVELOPE -> envelope = readAtMost(z, SignedPolicyBundle.MAX_BYTES, ENVELOPE);
                    case PACKAGE_ENTRY -> deb = readAtMost(z, MAX_PACKAGE_BYTES, PACKAGE_ENTRY);
                    default -> throw format("update holds an unexpected entry '" + e.getName() + "'");
                }
            }
            if (entries == 0) {
                throw format("update is not a zip of " + ENVELOPE + " and " + PACKAGE_ENTRY);
            }
        } catch (IOException e) {
            throw format("update cannot be read as a zip: " + e.getMessage());
        }
        if (envelope == null || deb == null) {
            throw format("update lacks " + (envelope == null ? ENVELOPE : PACKAGE_ENTRY));
        }
        return new BoxUpdate(SignedPolicyBundle.decode(envelope), deb);
    }

    private static byte[] readAtMost(InputStream in, int max, String what) throws IOException, PolicyBundleException {
        byte[] b = in.readNBytes(max + 1);
        if (b.length > max) {
            throw format("update entry " + what + " is larger than " + max + " bytes");
        }
        return b;
    }

    private static PolicyBundleException format(String message) {
        return new PolicyBundleException(Check.FORMAT, message);
    }
}
