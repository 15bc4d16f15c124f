package cn.egov.console.status;

import cn.egov.api.launcher.StandingAlarms;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.telemetry.AlarmCatalogue;
import cn.egov.api.telemetry.AlarmKind;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The self-test line for the box's standing conditions (telemetry's {@link StandingAlarms}): FAIL
 * while a MAJOR or CRITICAL one stands (as {@code appliance status} then says unhealthy), WARN for
 * the lesser ones, with each condition's own sentence; the Chinese line names each kind and says
 * what to do ({@link AlarmCatalogue}).
 */
public final class StandingAlarmsCheck implements SelfTest {
    private final Supplier<Optional<StandingAlarms>> alarms;

    public StandingAlarmsCheck(Supplier<Optional<StandingAlarms>> alarms) {
        this.alarms = alarms;
    }

    @Override
    public String name() {
        return "告警 Standing alarms";
    }

    @Override
    public Result run() {
        Optional<StandingAlarms> board = alarms.get();
        if (board.isEmpty()) {
            return Result.warn("遥测服务没有运行，无法得知本机的告警：见 组件 Bundles and components。",
                    "The telemetry service is not running, so the box's alarms are not known: see 组件 Bundles and components.");
        }
        return judge(board.get().standing());
    }

    static Result judge(List<StandingAlarms.Standing> standing) {
        if (standing.isEmpty()) {
            return Result.ok("没有未解除的告警。", "No alarm stands.");
        }
        String all = String.join("; ", standing.stream().map(a -> a.severity() + " " + a.kind() + ": " + a.message()).toList());
        // each condition's sentence is its bundle's (English, with the figures); the Chinese line
        // names each kind and says what to do, from the catalogue, and keeps the sentence after it
        String chinese = "未解除的告警：" + String.join("；", standing.stream().map(StandingAlarmsCheck::chinese).toList());
        return standing.stream().anyMatch(StandingAlarms.Standing::blocksHealth) ? Result.fail(chinese, all) : Result.warn(chinese, all);
    }

    private static String chinese(StandingAlarms.Standing a) {
        AlarmKind k = AlarmCatalogue.of(a.kind());
        return k.known()
                ? a.severity() + " " + k.label() + "：" + k.advice() + "（" + a.message() + "）"
                : a.severity() + " " + a.kind() + ": " + a.message();
    }
}
