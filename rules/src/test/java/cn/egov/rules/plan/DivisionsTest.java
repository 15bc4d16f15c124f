package cn.egov.rules.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DivisionsTest {

    private final Divisions hebei = Divisions.hebei();

    @Test
    void elevenCitiesWithTheirNames() {
        List<String> names = hebei.cities().stream().map(Divisions.Division::name).toList();
        assertEquals(List.of("石家庄市", "唐山市", "秦皇岛市", "邯郸市", "邢台市", "保定市", "张家口市",
                "承德市", "沧州市", "廊坊市", "衡水市"), names);
        assertEquals("1301", hebei.cities().get(0).code());
        assertEquals("1311", hebei.cities().get(10).code());
    }

    @Test
    void countyLookupByAnyForm() {
        assertEquals("竞秀区", hebei.name("130602"));
        assertEquals("竞秀区", hebei.name("130602-001"));
        assertEquals("保定市", hebei.name("130600"));
        assertEquals("保定市", hebei.name("1306"));
        assertEquals(Optional.of("1306"), hebei.parent("130602"));
        assertEquals(Optional.of("13"), hebei.parent("1306"));
        assertEquals("河北省 保定市 竞秀区", hebei.path("130602-001"));
        assertEquals("999999", hebei.name("999999"));
        assertFalse(hebei.contains("130601"));
    }

    @Test
    void everyCountyHasACityAndCountsAreRight() {
        assertEquals(24, hebei.counties("1306").size()); // Baoding
        assertEquals(22, hebei.counties("1301").size()); // Shijiazhuang
        assertEquals(11, hebei.counties("1311").size()); // Hengshui
        int total = hebei.cities().stream().mapToInt(c -> hebei.counties(c.code()).size()).sum();
        assertEquals(167, total); // 49 districts, 21 cities, 91 counties, 6 autonomous counties
        assertTrue(hebei.all().stream().filter(d -> d.level() == 3)
                .allMatch(d -> hebei.contains(d.parentCode().orElseThrow())));
    }

    @Test
    void malformedFileNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Divisions.parse("x.txt", new StringReader("13\t河北省\n1306\t保定市\n13060\t坏\n")));
        assertTrue(e.getMessage().startsWith("x.txt:3:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Divisions.parse("y.txt", new StringReader("13\t河北省\n130602\t竞秀区\n")));
        assertTrue(e.getMessage().startsWith("y.txt:2:") && e.getMessage().contains("parent 1306"), e.getMessage());
    }
}
