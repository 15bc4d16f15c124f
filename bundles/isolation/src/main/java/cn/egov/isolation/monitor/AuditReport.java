package cn.egov.isolation.monitor;

import java.util.List;

/**
 * The outcome of an offline audit of one capture file.
 *
 * @param file            the capture file
 * @param format          {@code pcap} or {@code pcapng}
 * @param unit            the unit code audited, or null
 * @param policy          which policy (name, version, hash), for the record
 * @param frames          frames read
 * @param ipPackets       frames that held an IPv4 or IPv6 packet
 * @param otherFrames     frames without IP (ARP, LLDP...), still checked for MAC and interface rules
 * @param truncated       frames cut off inside a header, plus records cut off by the end of the file
 * @param malformed       frames with headers that cannot be right
 * @param unsupportedLink frames of link types the decoder does not know
 * @param damage          null, or why reading stopped early
 * @param findings        one entry per violating flow, in order of first appearance
 * @param flowTableOverflows how often the de-duplication table filled up and was cleared
 * @param unplannedHostCheck whether hosts were checked against the unit's allocations, in one line:
 *                           the unit and its allocations per zone, or "off: " and why
 * @param unplannedHostCheckOn whether that check ran
 * @param unplannedHostTableOverflows how often the unplanned-host table filled up and was cleared
 */
public record AuditReport(String file, String format, String unit, String policy, long frames, long ipPackets,
                          long otherFrames, long truncated, long malformed, long unsupportedLink, String damage,
                          List<Entry> findings, long flowTableOverflows, String unplannedHostCheck,
                          boolean unplannedHostCheckOn, long unplannedHostTableOverflows) {

    /** A finding with the number of packets of its flow. */
    public record Entry(Finding finding, long packets) {
    }

    public AuditReport {
        findings = List.copyOf(findings);
    }

    public boolean clean() {
        return findings.isEmpty();
    }
}
