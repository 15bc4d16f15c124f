package cn.egov.rules.plan;

/**
 * A domain name held by an owner: {@code domain 130600-012 slj.bd.gov.cn}.
 *
 * @param owner  who holds the name
 * @param name   the fully qualified name, without a trailing dot
 * @param source where it was written
 */
public record DomainEntry(Owner owner, String name, SourceRef source) {
}
