package cn.egov.vpn.swanctl;

import java.util.regex.Pattern;

/** Section names swanctl.conf accepts without quoting (we generate names, so refuse the rest). */
final class SwanctlNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private SwanctlNames() {
    }

    static String check(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "' must be 1-63 letters, digits, '.', '_' or '-'");
        }
        return name;
    }
}
