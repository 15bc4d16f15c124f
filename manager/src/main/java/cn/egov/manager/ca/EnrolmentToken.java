package cn.egov.manager.ca;

import cn.egov.rules.unit.UnitCode;
import java.time.Instant;

/**
 * A one-time enrolment token as handed to the technician. Only its SHA-256 is stored; this
 * value exists once, when {@link ProvincialCa#newToken} returns it.
 *
 * @param secret    what the technician types: {@code appliance enrol --token <secret>}
 * @param unit      the only unit it enrols
 * @param domain    the unit domain that goes into the certificate's SAN, may be null
 * @param expiresAt after this it is refused
 */
public record EnrolmentToken(String secret, UnitCode unit, String domain, Instant expiresAt) {
    @Override
    public String toString() {
        return "EnrolmentToken[unit=" + unit + ", domain=" + domain + ", expiresAt=" + expiresAt + "]";
    }
}
