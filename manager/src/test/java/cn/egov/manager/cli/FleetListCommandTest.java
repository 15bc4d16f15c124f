package cn.egov.manager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.BoxStore;
import cn.egov.manager.fleet.Place;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.store.Database;
import cn.egov.rules.unit.UnitCode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code manager fleet}: the table a NOC operator reads, with times as the pages show them. */
class FleetListCommandTest {

    private static final String BOX = "130602-001";
    /** 2026-12-07 12:00:00 UTC: 20:00 in Beijing. */
    private static final Instant SEEN = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void lastSeenIsBeijingTimeWithTheZoneNamedOnceInTheHeader() throws Exception {
        Path config = dir.resolve("manager.properties");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\n");
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("data/manager.db"));
             Connection c = db.connect()) {
            BoxStore.upsert(c, List.of(new BoxState(BOX, Place.of(UnitCode.parse(BOX), PlaceNames.HEBEI), "保定市竞秀区", BoxStatus.CONNECTED,
                    SEEN.toEpochMilli(), SEEN.toEpochMilli(), SEEN.toEpochMilli(), 60, null, null, Map.of(), null)));
        }
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = ManagerCommand.commandLine().execute("fleet", "--config", config.toString());
        } finally {
            System.setOut(out);
        }
        String text = o.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, text);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).contains("LAST-SEEN (北京时间 UTC+8)"), lines.get(0));
        String row = lines.get(1);
        assertTrue(row.contains(BOX) && row.contains("2026-12-07 20:00:00"), row);
        assertTrue(!row.contains("2026-12-07T12:00:00Z"), "no UTC instant on the row: " + row);
        // the header's NAME starts in the column where the row's name starts (the zone's characters take two columns each)
        assertEquals(displayColumn(lines.get(0), "NAME"), displayColumn(row, "保定市竞秀区"), text);
    }

    /** The terminal column where {@code what} starts in {@code line}, Chinese characters counted as two. */
    private static int displayColumn(String line, String what) {
        return line.substring(0, line.indexOf(what)).codePoints()
                .map(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN ? 2 : 1).sum();
    }
}
