package cn.egov.isolation.enforce;

import java.util.List;

/**
 * Differences between the table we applied and the table in the kernel. Empty = no drift.
 *
 * @param differences one line each: "chain forward: rule added: (no comment) [...]"
 */
public record Drift(List<String> differences) {

    public Drift {
        differences = List.copyOf(differences);
    }

    public static final Drift NONE = new Drift(List.of());

    public boolean isClean() {
        return differences.isEmpty();
    }

    @Override
    public String toString() {
        return isClean() ? "no drift" : String.join("; ", differences);
    }
}
