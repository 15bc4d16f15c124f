package cn.egov.manager.noc.store;

/**
 * One time bucket of one metric of one box.
 *
 * @param start first millisecond of the bucket (ms since the epoch)
 * @param count samples in it
 * @param min   smallest value
 * @param avg   mean value
 * @param max   largest value
 */
public record Bucket(long start, long count, double min, double avg, double max) {
}
