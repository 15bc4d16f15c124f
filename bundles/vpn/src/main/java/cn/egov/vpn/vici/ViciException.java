package cn.egov.vpn.vici;

/** A VICI exchange failed: the daemon is unreachable, refused a command, or sent garbage. */
public class ViciException extends RuntimeException {
    public ViciException(String message) {
        super(message);
    }

    public ViciException(String message, Throwable cause) {
        super(message, cause);
    }
}
