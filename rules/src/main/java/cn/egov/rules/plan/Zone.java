package cn.egov.rules.plan;

import java.util.Locale;

/** The address zones of the plan, written in lower case in plan files. */
public enum Zone {
    /** 公务内网: the internal network, physically isolated from the Internet. */
    INTERNAL,
    /** 公务外网 公用网络区: public government addresses; the blocks differ by province. */
    EXTERNAL,
    /** 公务外网 专用网络区: departmental private networks (VPNs). */
    PRIVATE;

    /** Parses {@code internal|external|private}; the error lists the allowed names. */
    public static Zone parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown zone '" + text + "'; expected internal, external or private");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
