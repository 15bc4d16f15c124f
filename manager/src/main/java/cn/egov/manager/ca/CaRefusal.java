package cn.egov.manager.ca;

import java.security.GeneralSecurityException;

/**
 * A request the CA refuses by its rules, not for a fault: a unit or domain the address plan does
 * not give, a serial that is not an unrevoked certificate of this CA. Nothing was changed; the
 * message says what to fix. {@code manager ca} exits 1 on it.
 */
public final class CaRefusal extends GeneralSecurityException {
    public CaRefusal(String message) {
        super(message);
    }
}
