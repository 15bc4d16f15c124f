package cn.egov.portal.mirror;

import java.io.IOException;
import java.io.InputStream;

/**
 * The manager's portal content server as the box sees it (a seam for tests). Every call is
 * authenticated by the box's certificate; the box asks only for its own index, snapshots of sites
 * it mirrors, and content a verified manifest lists.
 */
public interface ManagerClient {

    /** This unit's index ({@code PortalIndex} bytes). */
    byte[] index() throws IOException;

    /**
     * The newest signed snapshot of {@code site}.
     *
     * @throws TooLarge when it is longer than {@code maxBytes} (no more than that is read)
     */
    byte[] snapshot(String site, int maxBytes) throws IOException;

    /** An answer longer than the caller takes. */
    final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        public TooLarge(String message) {
            super(message);
        }
    }

    /**
     * The content named {@code sha256}; the caller reads at most the size the manifest states
     * (plus one byte, to see an over-long answer) and checks the hash.
     *
     * @throws java.io.FileNotFoundException when the manager does not have it
     */
    InputStream blob(String sha256) throws IOException;
}
