package cn.egov.console.api;

/** What a console user may do on the box. A user may hold several roles. */
public enum Role {
    /** County technician: installs and maintains the box (status, self-test, configuration, logs, accounts, audit). */
    TECHNICIAN("技术员"),
    /** County clerk: document exchange (公文交换). */
    CLERK("文书"),
    /** Duty officer: duty roster and emergency reports (值班). */
    DUTY_OFFICER("值班员");

    private final String chinese;

    Role(String chinese) {
        this.chinese = chinese;
    }

    /** The role's name in Chinese, for pages. */
    public String chinese() {
        return chinese;
    }

    /** A role from its name as written on a command line or in a form ({@code clerk}, {@code DUTY_OFFICER}). */
    public static Role parse(String text) {
        String name = text.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (Role r : values()) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "'; roles: technician, clerk, duty_officer");
    }
}
