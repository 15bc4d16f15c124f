package cn.egov.exchange.model;

import java.util.Locale;

/**
 * 密级. Only {@link #NON_SECRET} documents may travel over this exchange; the others belong on the
 * classified network and are refused before anything is stored.
 */
public enum Classification {
    /** 非密 */
    NON_SECRET("非密"),
    /** 秘密 */
    MIMI("秘密"),
    /** 机密 */
    JIMI("机密"),
    /** 绝密 */
    JUEMI("绝密");

    private final String chinese;

    Classification(String chinese) {
        this.chinese = chinese;
    }

    public String chinese() {
        return chinese;
    }

    /** From {@code 非密}, {@code non_secret}, {@code 秘密}, {@code mimi}... */
    public static Classification parse(String text) {
        String t = text == null ? "" : text.strip();
        for (Classification c : values()) {
            if (c.chinese.equals(t) || c.name().equals(t.toUpperCase(Locale.ROOT).replace('-', '_'))) {
                return c;
            }
        }
        throw new DocumentRefused("classification", "'" + t + "' is not 非密, 秘密, 机密 or 绝密");
    }
}
