package cn.egov.rules.plan;

/**
 * A unit (department or government office) declared in the plan, with the label its site uses:
 * {@code unit 130600-012 slj 保定市水利局} makes its site {@code slj.bd.gov.cn}.
 *
 * @param owner  the unit (always a unit code)
 * @param label  the department's domain label, or empty for a government office (department 000)
 * @param name   the unit's name
 * @param source where it was written
 */
public record PlanUnit(Owner owner, String label, String name, SourceRef source) {
}
