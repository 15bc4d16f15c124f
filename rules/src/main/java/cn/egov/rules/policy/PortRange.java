package cn.egov.rules.policy;

/**
 * A closed range of transport ports, {@code first..last}; a single port has first == last.
 */
public record PortRange(int first, int last) {

    public static final int MAX_PORT = 65535;

    public PortRange {
        if (first < 0 || last > MAX_PORT || first > last) {
            throw new IllegalArgumentException((first == last ? "port " + first : "port range " + first + "-" + last)
                    + " is not within 0.." + MAX_PORT + (first > last ? " or is reversed" : ""));
        }
    }

    /** Parses {@code 443} or {@code 8000-8080}. */
    public static PortRange parse(String text) {
        try {
            int dash = text.indexOf('-');
            if (dash < 0) {
                int p = Integer.parseInt(text);
                return new PortRange(p, p);
            }
            return new PortRange(Integer.parseInt(text.substring(0, dash)), Integer.parseInt(text.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port or a port range (e.g. 443 or 8000-8080)");
        }
    }

    public boolean contains(PortRange other) {
        return first <= other.first && other.last <= last;
    }

    public boolean overlaps(PortRange other) {
        return first <= other.last && other.first <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
