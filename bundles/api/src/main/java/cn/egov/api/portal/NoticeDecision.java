package cn.egov.api.portal;

import java.util.Locale;

/**
 * What the manager decided about an emergency notice a box published during an outage: folded
 * into the official snapshot (the box stops serving its own copy, the snapshot now holds
 * {@code notices/<id>.html}), or withdrawn (the box stops serving it).
 *
 * @param id    the notice id
 * @param state the decision
 */
public record NoticeDecision(String id, State state) {

    /** The manager's decision. */
    public enum State {
        FOLDED, WITHDRAWN;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public NoticeDecision {
        EmergencyNotice.requireId(id);
        if (state == null) {
            throw new IllegalArgumentException("notice " + id + ": decision is missing");
        }
    }
}
