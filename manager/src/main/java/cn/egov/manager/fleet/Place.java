package cn.egov.manager.fleet;

import cn.egov.rules.unit.UnitCode;

/**
 * A box's place in the hierarchy province → city → county → department, with names where known
 * (codes otherwise).
 */
public record Place(String provinceCode, String provinceName, String cityCode, String cityName,
                    String countyCode, String countyName, String department) {

    public static Place of(UnitCode unit, PlaceNames names) {
        return new Place(unit.provinceCode(), names.name(unit.provinceCode()),
                unit.cityCode(), names.name(unit.cityCode()),
                unit.countyCode(), names.name(unit.countyCode()), unit.department());
    }
}
