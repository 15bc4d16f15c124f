package cn.egov.manager.fleet;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Each box's newest box update and where it stands: the update part answers, the fleet and NOC
 * pages show it (the wiring place hands it over, so neither imports the update part).
 */
public interface BoxUpdates {

    /** No update part: no box has an update state. */
    BoxUpdates NONE = new BoxUpdates() {
        @Override
        public Map<String, BoxUpdateState> newest() {
            return Map.of();
        }

        @Override
        public Optional<BoxUpdateState> newest(String unit) {
            return Optional.empty();
        }
    };

    /** Every box's newest push, by unit code (boxes never pushed to are absent). */
    Map<String, BoxUpdateState> newest() throws SQLException;

    /** One box's newest push. */
    Optional<BoxUpdateState> newest(String unit) throws SQLException;
}
