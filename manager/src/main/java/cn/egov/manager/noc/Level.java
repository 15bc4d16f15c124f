package cn.egov.manager.noc;

/** How an indicator stands, worst last; {@link #NONE} when nothing was reported. */
enum Level {
    NONE("—"), OK("正常 OK"), WARN("注意 warning"), BAD("故障 fault");

    final String label;

    Level(String label) {
        this.label = label;
    }

    Level worst(Level other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    public String label() {
        return label;
    }

    /** CSS class of the badge. */
    public String css() {
        return "lv-" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
