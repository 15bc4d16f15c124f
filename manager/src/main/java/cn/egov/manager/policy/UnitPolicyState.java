package cn.egov.manager.policy;

/**
 * The isolation policy a unit's box last reported ({@code ISOLATION/policy} telemetry).
 *
 * @param unit       the box's client id (unit code CCCCCC-DDD)
 * @param city       4-digit city code
 * @param county     6-digit county code
 * @param name       policy name
 * @param version    policy version in force
 * @param sha256     hash of the policy files in force
 * @param state      IN_FORCE, DRIFT, REJECTED or NONE
 * @param drift      true while the live table differs from the policy
 * @param appliedAt  when the box applied it (ms since the epoch)
 * @param verifiedAt last read-back that matched (ms since the epoch, 0 = never)
 * @param routeState     the route guard's verdict: NO_ROUTE (no isolated interface has a route to
 *                       the Internet), FINDINGS, or "" when the box does not report it
 * @param routeCheckedAt when the box last asked the kernel (ms since the epoch, 0 = never)
 * @param routeFindings  routes to the Internet, split default routes and guard problems found then
 * @param reportedAt when the manager received the report
 * @param alarms24h  the unit's isolation alarms received in the last 24 hours
 * @param signed     the signed policy sent to the unit and the one its box has in force
 */
public record UnitPolicyState(String unit, String city, String county, String name, String version, String sha256,
                              String state, boolean drift, long appliedAt, long verifiedAt, String routeState,
                              long routeCheckedAt, long routeFindings, long reportedAt, int alarms24h,
                              SignedPolicyState signed) {
}
