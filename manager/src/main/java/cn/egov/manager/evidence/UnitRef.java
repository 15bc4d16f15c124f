package cn.egov.manager.evidence;

/**
 * A unit as exports name it.
 *
 * @param code       unit code {@code CCCCCC-DDD}
 * @param name       the plan's name of the unit, else the box's display name, else the code
 * @param cityCode   4 digits
 * @param cityName   GB/T 2260 name, else the code
 * @param countyCode 6 digits
 * @param countyName GB/T 2260 name, else the code
 * @param hasBox     true when a box of this unit is in the fleet
 */
public record UnitRef(String code, String name, String cityCode, String cityName, String countyCode, String countyName,
                      boolean hasBox) {
}
