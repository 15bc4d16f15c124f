package cn.egov.vpn;

/** The tunnel could not be configured or brought up; the message says why, in charon's words where it has them. */
public class TunnelException extends RuntimeException {
    public TunnelException(String message) {
        super(message);
    }

    public TunnelException(String message, Throwable cause) {
        super(message, cause);
    }
}
