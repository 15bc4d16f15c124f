package cn.egov.manager.ca;

import cn.egov.api.text.LogSafe;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The form of a DNS name in a box certificate: a fully qualified, lower-case LDH host name
 * ({@code jyj.jingxiu.gov.cn}). No wildcard (a box serves its own names, never a whole zone), no
 * IP address, nothing a TLS client could match more widely than the name the plan gives the unit.
 * Whose name it is, is {@link UnitNames}'s question; this class only answers "is it a host name".
 */
final class BoxDomainName {

    /** RFC 1035 §2.3.4: 253 characters in presentation form. */
    private static final int MAX_NAME = 253;
    /** Letters, digits and inner hyphens, 1 to 63 characters (RFC 1123 §2.1). */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private BoxDomainName() {
    }

    /** Why {@code name} may not be a box certificate's DNS name, as "domain '…' …", or null when it may. */
    static String problem(String name) {
        String why = why(name);
        return why == null ? null : "domain '" + LogSafe.of(name) + "' " + why;
    }

    private static String why(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return "must have 1 to " + MAX_NAME + " characters";
        }
        if (name.indexOf('*') >= 0) {
            return "is a wildcard; a box certificate carries exact host names only";
        }
        if (IPV4.matcher(name).matches() || name.indexOf(':') >= 0) {
            return "is an IP address; a box certificate carries DNS names only";
        }
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            return "must be written in lower case";
        }
        String[] labels = name.split("\\.", -1);
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                return "has a bad label '" + LogSafe.of(l) + "' (letters, digits and inner hyphens, 1 to 63 characters)";
            }
        }
        if (labels.length < 2) {
            return "is not a fully qualified host name (it needs at least two labels)";
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return "ends in a numeric label; it is not a host name";
        }
        return null;
    }
}
