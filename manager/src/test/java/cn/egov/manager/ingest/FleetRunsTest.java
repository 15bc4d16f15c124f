package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.Place;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.rules.unit.UnitCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The writer gives the fleet only the first and the last of a box's run of health messages: the
 * registry ends in the same state as with every message.
 */
class FleetRunsTest {

    private static final String X = "130602-001";
    private static final String Y = "130602-002";
    private long seq;

    private IngestRecord.Decoded message(String unit, IngestKind kind, long at) {
        KuraPayload.Builder b = KuraPayload.builder().metric(BoxMetrics.CPU_LOAD, at / 1000.0).metric(BoxMetrics.OUTBOX_DEPTH, at);
        KuraTopic topic = kind == IngestKind.HEALTH ? KuraTopic.telemetry("hebei", unit, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE)
                : KuraTopic.telemetry("hebei", unit, "app", "r");
        if (kind == IngestKind.BIRTH) {
            b.metric(BoxMetrics.DISPLAY_NAME, "box " + unit).metric(BoxMetrics.HEALTH_INTERVAL_S, 30L);
        }
        return new IngestRecord.Decoded(kind, topic, UnitCode.parse(unit), b.build(), new MessageId("e", seq++),
                new InboundMessage(topic.toString(), new byte[0], 0, 1, at));
    }

    private static FleetRegistry registryWithXMissing() {
        FleetRegistry r = new FleetRegistry(PlaceNames.HEBEI, 3, 60);
        r.load(List.of(new BoxState(X, Place.of(UnitCode.parse(X), PlaceNames.HEBEI), X, BoxStatus.MISSING, 50, 40, 40, 60, null, null,
                Map.of(), "no health")), 60);
        return r;
    }

    private static List<BoxState> after(List<IngestRecord.Decoded> messages) throws Exception {
        FleetRegistry r = registryWithXMissing();
        r.update(changes -> {
            messages.forEach(m -> SqlBatchStore.applyToFleet(m, changes));
            return null;
        });
        return r.list().stream().sorted(Comparator.comparing(BoxState::clientId)).toList();
    }

    @Test
    void theFirstAndLastOfEachRunOfHealthLeaveTheFleetAsEveryMessageDoes() throws Exception {
        List<IngestRecord.Decoded> stored = new ArrayList<>();
        long at = 100;
        for (int i = 0; i < 4; i++) {                       // X: resumes from MISSING, a run of 4
            stored.add(message(X, IngestKind.HEALTH, at++));
            stored.add(message(Y, IngestKind.HEALTH, at++)); // Y's messages between do not end X's run
        }
        stored.add(message(X, IngestKind.TELEMETRY, at++)); // ends X's run
        stored.add(message(X, IngestKind.HEALTH, at++));    // a run of 1
        stored.add(message(X, IngestKind.DC, at++));
        stored.add(message(X, IngestKind.HEALTH, at++));    // a run of 2
        stored.add(message(X, IngestKind.HEALTH, at++));
        stored.add(message(Y, IngestKind.BIRTH, at++));
        stored.add(message(Y, IngestKind.HEALTH, at++));    // a run of 3
        stored.add(message(Y, IngestKind.HEALTH, at++));
        stored.add(message(Y, IngestKind.HEALTH, at++));

        List<IngestRecord.Decoded> given = SqlBatchStore.changingTheFleet(stored);

        // left out: X's 2nd and 3rd health, Y's 2nd and 3rd of the first run, Y's middle one of the last
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            if (!given.contains(stored.get(i))) {
                left.add(i);
            }
        }
        assertEquals(List.of(2, 3, 4, 5, 15), left);
        List<BoxState> expected = after(stored);
        assertEquals(expected, after(given));
        assertEquals(BoxStatus.CONNECTED, expected.get(1).status());
        assertEquals(BoxStatus.DISCONNECTED, expected.get(0).status());
        assertEquals(100, registryAfterResume().statusSince(), "the resumed status starts at the run's first health");
    }

    private BoxState registryAfterResume() throws Exception {
        List<IngestRecord.Decoded> run = List.of(message(X, IngestKind.HEALTH, 100), message(X, IngestKind.HEALTH, 101),
                message(X, IngestKind.HEALTH, 102));
        return after(SqlBatchStore.changingTheFleet(run)).get(0);
    }
}
