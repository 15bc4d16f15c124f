package cn.egov.manager.plan;

import cn.egov.manager.web.Caller;
import cn.egov.rules.plan.PlanWhois;
import java.util.List;
import java.util.Optional;

/**
 * What of the plan a caller may see. Province-wide roles see everything; a technician sees the
 * entries of the account's counties and their units only, and asking about anything else gets the
 * same answer as asking about something the plan does not have ({@link #NOT_VISIBLE}).
 */
final class PlanVisibility {

    private PlanVisibility() {
    }

    /** The one answer for "not in the plan" and "not yours", for a county-bound caller. */
    static String notVisible(String what) {
        return "no plan entry for '" + (what != null && what.matches("[0-9A-Za-z.:/-]{1,64}") ? what : "?")
                + "' among those you may see";
    }

    /**
     * The answer as {@code caller} may see it: whole for province-wide callers; for a technician only
     * when its owner is in the account's counties, without the surrounding entries (they belong to
     * the city and its other counties); empty otherwise.
     */
    static Optional<PlanWhois.Answer> whois(PlanWhois.Answer a, Caller caller) {
        if (caller.provinceWide()) {
            return Optional.of(a);
        }
        if (!a.found() || a.owner() == null || !caller.sees(a.owner().code())) {
            return Optional.empty();
        }
        return Optional.of(new PlanWhois.Answer(a.query(), a.kind(), a.owner(), a.ownerName(), a.matched(), a.source(), List.of(),
                List.of()));
    }
}
