package cn.egov.vpn.swanctl;

import java.nio.file.Path;
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
 */
public record CharonSettings(Path viciSocket, boolean libipsec, Path logFile) {

    /** The TUN device kernel-libipsec creates; backbone traffic may leave only through it. */
    public static final String LIBIPSEC_INTERFACE = "ipsec0";

    public CharonSettings {
        if (viciSocket == null || !viciSocket.isAbsolute()) {
            throw new IllegalArgumentException("VICI socket must be an absolute path, got " + viciSocket);
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
