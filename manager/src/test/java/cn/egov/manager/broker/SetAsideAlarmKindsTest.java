package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.AlarmCatalogue;
import org.junit.jupiter.api.Test;

/**
 * The set-aside alarms' kinds are built from the queue's label at run time, so the source scan of
 * {@code AlarmCatalogueCoversEveryKindTest} cannot see them: each must still have its Chinese entry.
 */
class SetAsideAlarmKindsTest {

    @Test
    void everySetAsideAlarmKindIsInTheCatalogue() {
        for (ArtemisBroker.SetAside where : ArtemisBroker.SetAside.values()) {
            assertTrue(AlarmCatalogue.of(where.alarmKind()).known(), where.alarmKind() + " has no entry in AlarmCatalogue");
        }
    }
}
