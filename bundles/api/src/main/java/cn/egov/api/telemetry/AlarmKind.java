package cn.egov.api.telemetry;

import java.util.Objects;

/**
 * What one alarm kind means, in Chinese, for the county technician and the NOC operator: the
 * {@link Alarm} itself stays English on the wire (its message carries the figures), and the
 * consoles put these next to it. Entries live in {@link AlarmCatalogue}.
 *
 * @param kind    the stable machine name, e.g. {@code vpn.down}
 * @param chinese a short Chinese name, e.g. {@code 隧道中断}
 * @param advice  one Chinese sentence: what it means and what to do ("" for a kind the catalogue
 *                does not know)
 */
public record AlarmKind(String kind, String chinese, String advice) {

    public AlarmKind {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(chinese, "chinese");
        Objects.requireNonNull(advice, "advice");
    }

    /** Whether the catalogue knows this kind (an unknown one, from a newer box, is named by the kind itself). */
    public boolean known() {
        return !advice.isEmpty();
    }

    /** Chinese name first, then the kind, as the rest of both consoles reads ({@code 隧道中断 vpn.down}); the kind alone when unknown. */
    public String label() {
        return known() ? chinese + " " + kind : kind;
    }
}
