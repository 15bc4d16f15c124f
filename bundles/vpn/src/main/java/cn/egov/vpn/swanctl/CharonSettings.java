package cn.egov.vpn.swanctl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What a charon daemon needs in its strongswan.conf: where its VICI socket is, and which kernel
 * interface carries ESP. {@code libipsec} is the one switch between the lab (userspace ESP on a
 * TUN device {@code ipsec0}, because the lab kernel has no IPsec crypto) and a real box (kernel
 * IPsec); nothing else in the code differs between the two.
 *
 * @param viciSocket the Unix socket of charon's VICI plugin (absolute path)
 * @param libipsec   true: userspace ESP via kernel-libipsec; false: kernel XFRM
 * @param logFile    charon's log file, or null for none
 * @param retransmitTimeout first IKE retransmission timeout (charon's default: 4 s)
 * @param retransmitTries   IKE retransmissions before giving up (charon's default: 5, ~165 s in all)
 */
public record CharonSettings(Path viciSocket, boolean libipsec, Path logFile, Duration retransmitTimeout,
                             int retransmitTries) {

    public static final Duration DEFAULT_RETRANSMIT_TIMEOUT = Duration.ofSeconds(4);
    public static final int DEFAULT_RETRANSMIT_TRIES = 5;

    /** charon's own retransmission defaults. */
    public CharonSettings(Path viciSocket, boolean libipsec, Path logFile) {
        this(viciSocket, libipsec, logFile, DEFAULT_RETRANSMIT_TIMEOUT, DEFAULT_RETRANSMIT_TRIES);
    }


    /** The TUN device kernel-libipsec creates; backbone traffic may leave only through it. */
    public static final String LIBIPSEC_INTERFACE = "ipsec0";

    public CharonSettings {
        if (viciSocket == null || !viciSocket.isAbsolute()) {
            throw new IllegalArgumentException("VICI socket must be an absolute path, got " + viciSocket);
        }
        if (retransmitTimeout == null || retransmitTimeout.toMillis() < 1 || retransmitTries < 0) {
            throw new IllegalArgumentException("retransmission needs a positive timeout and tries >= 0");
        }
    }

    /**
     * The interface backbone-bound traffic must leave through, for the isolation policy's
     * fail-closed rule: {@code ipsec0} with libipsec; empty with kernel IPsec, where the rule
     * must match on the IPsec policy instead ({@code rt ipsec missing drop}).
     */
    public Optional<String> tunnelInterface() {
        return libipsec ? Optional.of(LIBIPSEC_INTERFACE) : Optional.empty();
    }
}
