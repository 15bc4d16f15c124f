package cn.egov.manager.noc.store;

/** The widths of the health series' buckets: minutes for hours, hours for days. */
public enum Resolution {
    MINUTE(60_000L),
    HOUR(3_600_000L);

    /** Width of one bucket in milliseconds. */
    public final long millis;

    Resolution(long millis) {
        this.millis = millis;
    }

    /** Width in seconds, as stored ({@code resolution_s}). */
    public int seconds() {
        return (int) (millis / 1000);
    }

    /** Start of the bucket that holds {@code time} (ms since the epoch). */
    public long bucketOf(long time) {
        return Math.floorDiv(time, millis) * millis;
    }
}
