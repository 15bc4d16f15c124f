package cn.egov.console.web;

import cn.egov.console.api.ConsoleUser;
import java.util.List;

/**
 * What the layout around every page shows: title, navigation for the user's roles, the log-out
 * form's CSRF token, and the "not enrolled yet" banner with the bootstrap certificate's fingerprint.
 *
 * @param user null on the log-in page
 */
public record Frame(String title, ConsoleUser user, List<NavItem> nav, String csrf, String unit, boolean enrolled,
                    String fingerprint) {

    /** A link of the navigation. */
    public record NavItem(String href, String title, boolean current) {
    }

    public String rolesText() {
        return user == null ? "" : String.join(", ", user.roles().stream().map(r -> r.chinese() + " " + r.name().toLowerCase()).sorted().toList());
    }
}
