package cn.egov.appliance.setup;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The steps of {@code appliance setup}, in order; each can be run alone ({@code --step NAME}). */
public enum SetupStep {
    INTERFACES("接口 Interfaces and cables"),
    ENROL("注册 Enrolment with the provincial CA"),
    TUNNEL("隧道 Tunnel to the backbone"),
    POLICY("策略 Signed isolation policy"),
    PLAN("路由与地址 Route guard and address plan"),
    SELFTEST("自检 Self-test");

    private final String title;

    SetupStep(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    /** The name on the command line: {@code interfaces}, {@code enrol}, ... */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SetupStep parse(String name) {
        for (SetupStep s : values()) {
            if (s.cliName().equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown step '" + name + "'; the steps are "
                + Arrays.stream(values()).map(SetupStep::cliName).collect(Collectors.joining(", ")));
    }
}
