package cn.egov.appliance.config;

import java.util.Optional;
import org.osgi.service.metatype.ObjectClassDefinition;

/** Finds the Metatype schema of a PID, if any installed bundle declares one. */
@FunctionalInterface
public interface SchemaLookup {

    Optional<ObjectClassDefinition> find(String pid, boolean factory);

    /** No schemas at all: every value is passed as a string. */
    static SchemaLookup none() {
        return (pid, factory) -> Optional.empty();
    }
}
