package cn.egov.manager.fleet;

import java.util.Map;

/**
 * Names of GB/T 2260 divisions by code. Until the address-plan data in {@code rules} covers every
 * county, this knows the province and Hebei's prefecture-level cities and falls back to the code.
 */
public interface PlaceNames {

    /** The name of a division (2, 4 or 6 digits), or {@code null} when unknown. */
    String name(String code);

    /** Hebei and its eleven prefecture-level cities (GB/T 2260). */
    PlaceNames HEBEI_CITIES = Map.ofEntries(
            Map.entry("13", "河北省"),
            Map.entry("1301", "石家庄市"), Map.entry("1302", "唐山市"), Map.entry("1303", "秦皇岛市"),
            Map.entry("1304", "邯郸市"), Map.entry("1305", "邢台市"), Map.entry("1306", "保定市"),
            Map.entry("1307", "张家口市"), Map.entry("1308", "承德市"), Map.entry("1309", "沧州市"),
            Map.entry("1310", "廊坊市"), Map.entry("1311", "衡水市"))::get;
}
