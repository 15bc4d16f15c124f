package cn.egov.rules.plan;

/**
 * The domain label of a division: {@code place 1306 bd} makes Baoding's portal
 * {@code www.bd.gov.cn}.
 *
 * @param division 2-, 4- or 6-digit division code
 * @param label    one or more DNS labels, e.g. {@code bd} or {@code zhuozhou}
 * @param source   where it was written
 */
public record PlaceLabel(String division, String label, SourceRef source) {
}
