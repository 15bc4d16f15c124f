package cn.egov.console.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.launcher.BoxLauncher;
import cn.egov.api.launcher.StandingAlarms;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.telemetry.AlarmCatalogue;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.console.config.ConfigSaver;
import cn.egov.console.config.ConfigSchemas;
import cn.egov.console.config.VerdictMessage;
import cn.egov.console.pages.jte.JteconfigformGenerated;
import cn.egov.console.pages.jte.JteconfiglistGenerated;
import cn.egov.console.pages.jte.JtelogsGenerated;
import cn.egov.console.pages.jte.JteselftestGenerated;
import cn.egov.console.status.BoxStatus;
import cn.egov.console.status.BuiltInChecks;
import cn.egov.console.status.StandingAlarmsCheck;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The technician's pages as the county technician reads them: Chinese first, English after, Beijing time. */
class TechnicianPagesRenderTest {
    private static final Frame FRAME = new Frame("自检 Self-test", new ConsoleUser("tech", Set.of(Role.TECHNICIAN), "130602-001"),
            List.of(), "csrf", "130602-001", true, "");
    private static final ConfigSchemas.Label NONE = new ConfigSchemas.Label("", "");

    @Test
    void theSelfTestSaysWhatToDoInChineseFirstThenInEnglish() {
        SelfTest.Result r = SelfTest.Result.fail("本机尚未注册：运行 'appliance setup'。", "The box is not enrolled yet: run 'appliance setup'.");
        String page = render(out -> JteselftestGenerated.render(out, null, FRAME, List.of(new BuiltInChecks.Row("注册 Enrolment", r)), true));
        assertTrue(page.contains("<td class=\"advice\">本机尚未注册：运行 'appliance setup'。 "
                + "<span class=\"en\">The box is not enrolled yet: run 'appliance setup'.</span></td>"), page);
    }

    @Test
    void aStandingAlarmShowsItsChineseNameAndWhatToDoWithTheBoxsSentenceEscaped() {
        StandingAlarms board = () -> List.of(new StandingAlarms.Standing("vpn.down", "MAJOR", "vpn", "tunnel down: <b>no answer</b> from hub", 1),
                new StandingAlarms.Standing("x.from-a-newer-box", "WARNING", "x", "new", 2));
        SelfTest.Result r = new StandingAlarmsCheck(() -> Optional.of(board)).run();
        String page = render(out -> JteselftestGenerated.render(out, null, FRAME, List.of(new BuiltInChecks.Row("告警 Standing alarms", r)), true));
        assertTrue(page.contains("<td class=\"advice\">未解除的告警：MAJOR 隧道中断 vpn.down：" + AlarmCatalogue.of("vpn.down").advice()
                + "（tunnel down: &lt;b&gt;no answer&lt;/b&gt; from hub）；WARNING x.from-a-newer-box: new "), page);
    }

    @Test
    void theLogPageShowsTheLoggersUtcStampsInBeijingTime() {
        List<LogLine> lines = List.of(LogLine.of("2026-12-06T04:00:00.123Z [main] INFO cn.egov.console - console: started"));
        String page = render(out -> JtelogsGenerated.render(out, null, FRAME, lines, true));
        assertTrue(page.contains("<span class=\"time\">2026-12-06 12:00:00</span> [main] INFO cn.egov.console - console: started"), page);
        assertFalse(page.contains("2026-12-06T04:00"), page);
        assertTrue(page.contains("时间为北京时间"), page);
    }

    @Test
    void theConfigurationListSaysWhichServicesAreOffAndHowToTurnThemOn() {
        ConfigSchemas.Form exchange = new ConfigSchemas.Form("cn.egov.exchange.cfg", "cn.egov.exchange", false,
                new ConfigSchemas.Label("公文交换", "Document exchange"), NONE, "cn.egov.edge.exchange", List.of(), false);
        ConfigSchemas.Form console = new ConfigSchemas.Form("cn.egov.console.cfg", "cn.egov.console", false,
                new ConfigSchemas.Label("网页控制台", "Web console"), NONE, "cn.egov.edge.console", List.of(), false);
        ConfigSchemas.Form telemetry = new ConfigSchemas.Form("cn.egov.telemetry.cfg", "cn.egov.telemetry", false,
                new ConfigSchemas.Label("", "Telemetry"), NONE, "cn.egov.edge.telemetry", List.of(), true);
        String page = render(out -> JteconfiglistGenerated.render(out, null, FRAME, List.of(console, exchange, telemetry),
                new BoxStatus.Snapshot("felix", List.of(), List.of(new BoxStatus.ComponentRow("cn.egov.exchange.ds.ExchangeComponent",
                        "cn.egov.edge.exchange", "UNSATISFIED_CONFIGURATION", "needs configuration cn.egov.exchange", true,
                        List.of("cn.egov.exchange")))).unconfiguredPids(), "/etc/egov-box"));
        assertTrue(page.contains("以下服务未启用（尚未配置）：打开表单、填写并保存，服务即启用。"), page);
        assertTrue(page.contains("<li><a href=\"/config/cn.egov.exchange\">公文交换 <span class=\"en\">Document exchange</span></a> <code>cn.egov.exchange.cfg</code></li>"), page);
        assertFalse(page.contains("<li><a href=\"/config/cn.egov.console\">"), "the console runs on its defaults: " + page);
        assertTrue(page.contains("<td><span class=\"off\">未启用：尚未配置，保存表单即启用 <span class=\"en\">off: not configured; save the form to turn it on</span></span></td>"), page);
        assertTrue(page.contains("<td>使用默认值 <span class=\"en\">running on defaults</span></td>"), page);
        assertTrue(page.contains("<a href=\"/config/cn.egov.telemetry\">Telemetry</a>"), "no Chinese: the English once: " + page);
        assertTrue(page.contains("<td>已配置 <span class=\"en\">configured</span></td>"), page);
    }

    @Test
    void aRefusedSaveNamesTheFieldByItsChineseNameAndSaysWhyInChineseThenInEnglish() {
        ConfigSchemas.Field count = new ConfigSchemas.Field("count", new ConfigSchemas.Label("次数", "Count"), NONE, "integer",
                false, false, "1", List.of(), false, "1");
        ConfigSchemas.Form probe = new ConfigSchemas.Form("cn.egov.probe.cfg", "cn.egov.probe", false,
                new ConfigSchemas.Label("探针", "Probe"), NONE, "cn.egov.probe", List.of(count), true);
        BoxLauncher.ConfigRefusal refusal = new BoxLauncher.ConfigRefusal(Path.of("/etc/egov-box/cn.egov.probe.cfg"), 3, "count",
                "'eleven' 不是允许范围内的整数", "option 'count': 'eleven' is not a whole number in range");
        String page = render(out -> JteconfigformGenerated.render(out, null, FRAME, probe,
                VerdictMessage.of(probe, new ConfigSaver.Verdict.Refused(refusal)), false));
        assertTrue(page.contains("<p id=\"verdict\" class=\"message bad\">被拒绝，原来的设置继续有效。「次数」count（第 3 行）："
                + "'eleven' 不是允许范围内的整数。 <span class=\"en\">Refused, the previous settings stay in force: "
                + "/etc/egov-box/cn.egov.probe.cfg:3: option 'count': 'eleven' is not a whole number in range</span></p>"), page);
    }

    @Test
    void anAppliedSaveSaysSoInChineseThenInEnglish() {
        ConfigSchemas.Form probe = new ConfigSchemas.Form("cn.egov.probe.cfg", "cn.egov.probe", false,
                new ConfigSchemas.Label("探针", "Probe"), NONE, "cn.egov.probe", List.of(), true);
        String page = render(out -> JteconfigformGenerated.render(out, null, FRAME, probe,
                VerdictMessage.of(probe, new ConfigSaver.Verdict.Accepted("cn.egov.probe.cfg")), true));
        assertTrue(page.contains("<p id=\"verdict\" class=\"message good\">已应用：cn.egov.probe.cfg 已生效。 "
                + "<span class=\"en\">Applied: cn.egov.probe.cfg is in force.</span></p>"), page);
        String fresh = render(out -> JteconfigformGenerated.render(out, null, FRAME, probe, VerdictMessage.of(probe, null), false));
        assertFalse(fresh.contains("id=\"verdict\""), fresh);
    }

    private static String render(Consumer<OwaspHtmlTemplateOutput> page) {
        StringOutput out = new StringOutput();
        page.accept(new OwaspHtmlTemplateOutput(out));
        return out.toString();
    }
}
