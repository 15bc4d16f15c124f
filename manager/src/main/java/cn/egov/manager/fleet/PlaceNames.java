package cn.egov.manager.fleet;

import cn.egov.rules.plan.Divisions;

/**
 * Names of GB/T 2260 divisions by code, from the province's division data in {@code rules}
 * ({@link Divisions#hebei()}); an unknown code has no name and is shown as its code.
 */
@FunctionalInterface
public interface PlaceNames {

    /** The name of a division (2, 4 or 6 digits), or {@code null} when unknown. */
    String name(String code);

    /** Hebei: the province, its 11 prefecture-level cities and their county-level divisions. */
    PlaceNames HEBEI = code -> Divisions.hebei().find(code).map(Divisions.Division::name).orElse(null);
}
