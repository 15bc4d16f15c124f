package cn.egov.manager.ingest;

import cn.egov.rules.unit.UnitCode;
import java.util.Optional;

/**
 * Which units ingestion takes messages from. The embedded broker refuses unknown units at
 * CONNECT already; an external broker cannot, so every decoded message is asked here too.
 */
@FunctionalInterface
public interface UnitFilter {

    /** Why messages of this unit are refused (the implementation may record it, e.g. raise an alarm), or empty. */
    Optional<String> refusal(UnitCode unit);
}
