package cn.egov.isolation.capture;

/**
 * What a capture file held, as the reader saw it.
 *
 * @param format           {@code pcap} or {@code pcapng}
 * @param frames           frames handed to the handler
 * @param truncatedRecords records cut off by the end of the file (counted, not handed on)
 * @param skippedBlocks    pcapng blocks of types we do not read (statistics, name resolution...)
 * @param damage           null, or why reading stopped early (a record header that cannot be
 *                         right); everything before it was read
 */
public record CaptureSummary(String format, long frames, long truncatedRecords, long skippedBlocks, String damage) {
}
