package cn.egov.console.web;

import cn.egov.api.launcher.BoxLauncher;
import cn.egov.api.selftest.SelfTest;
import cn.egov.console.config.ConfigSaver;
import cn.egov.console.config.VerdictMessage;
import cn.egov.console.config.ConfigSchemas;
import cn.egov.console.pages.jte.JteconfigformGenerated;
import cn.egov.console.pages.jte.JteconfiglistGenerated;
import cn.egov.console.pages.jte.JtelogsGenerated;
import cn.egov.console.pages.jte.JteselftestGenerated;
import cn.egov.console.pages.jte.JtestatusGenerated;
import cn.egov.console.status.BuiltInChecks;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.util.Fields;

/** The technician's pages: status, self-test, configuration forms, log. */
final class TechnicianPages {
    static final String[][] NAV = {
            {"/status", "状态 Status"}, {"/selftest", "自检 Self-test"}, {"/config", "配置 Configuration"}, {"/logs", "日志 Logs"}};
    private static final Set<String> SEGMENTS = Set.of("status", "selftest", "config", "logs");

    private final ConsoleServices services;
    private final ConsoleHandler handler;

    TechnicianPages(ConsoleServices services, ConsoleHandler handler) {
        this.services = services;
        this.handler = handler;
    }

    boolean owns(String segment) {
        return SEGMENTS.contains(segment);
    }

    boolean handle(Exchange x, String segment) throws Exception {
        return switch (segment) {
            case "status" -> x.path().equals("/status") && status(x);
            case "selftest" -> x.path().equals("/selftest") && selfTest(x);
            case "logs" -> x.path().equals("/logs") && logs(x);
            default -> config(x);
        };
    }

    private boolean status(Exchange x) {
        List<String> refused = services.launcher().get().map(BoxLauncher::refusedFiles).orElse(List.of())
                .stream().map(Object::toString).toList();
        services.pages().render(x.response(), x.callback(), 200, out -> JtestatusGenerated.render(out, null, handler.frame(x.session(), "状态 Status", "/status"), services.status().get(), refused, services.tls().served(), services.sessions().stats(), services.login().throttle().stats()));
        return true;
    }

    private boolean selfTest(Exchange x) {
        List<BuiltInChecks.Row> rows = BuiltInChecks.runAll(services.selfTests().get());
        boolean failed = rows.stream().anyMatch(r -> r.result().outcome() == SelfTest.Outcome.FAIL);
        services.pages().render(x.response(), x.callback(), 200, out -> JteselftestGenerated.render(out, null, handler.frame(x.session(), "自检 Self-test", "/selftest"), rows, failed));
        return true;
    }

    private boolean logs(Exchange x) {
        Optional<BoxLauncher> launcher = services.launcher().get();
        List<LogLine> lines = launcher.map(l -> l.recentLog(services.logLines())).orElse(List.<String>of()).stream().map(LogLine::of).toList();
        services.pages().render(x.response(), x.callback(), 200, out -> JtelogsGenerated.render(out, null, handler.frame(x.session(), "日志 Logs", "/logs"), lines, launcher.isPresent()));
        return true;
    }

    private boolean config(Exchange x) throws Exception {
        Optional<ConfigSchemas> schemas = services.schemas();
        if (x.path().equals("/config")) {
            List<ConfigSchemas.Form> forms = schemas.isPresent() ? schemas.get().forms() : List.of();
            services.pages().render(x.response(), x.callback(), 200, out -> JteconfiglistGenerated.render(out, null,
                    handler.frame(x.session(), "配置 Configuration", "/config"), forms, services.status().get().unconfiguredPids(),
                    schemas.map(s -> s.directory().toString()).orElse("")));
            return true;
        }
        if (!x.path().startsWith("/config/") || schemas.isEmpty()) {
            return false;
        }
        String stem = x.path().substring("/config/".length());
        Optional<ConfigSchemas.Form> form = schemas.get().form(stem);
        if (form.isEmpty()) {
            return false;
        }
        if (!x.post()) {
            renderForm(x, form.get(), 200, null);
            return true;
        }
        Fields fields = FormFields.getFields(x.request());
        Map<String, String> submitted = new HashMap<>();
        for (ConfigSchemas.Field f : form.get().fields()) {
            String v = fields.getValue(f.inputName());
            if (v != null) {
                submitted.put(f.id(), v);
            }
        }
        ConfigSaver.Verdict verdict = services.saver().save(form.get(), schemas.get().file(form.get()), submitted,
                x.user().name(), services.launcher().get());
        String outcome = verdict instanceof ConfigSaver.Verdict.Accepted ? "accepted"
                : verdict instanceof ConfigSaver.Verdict.Pending ? "written"
                : verdict instanceof ConfigSaver.Verdict.Refused r ? "refused: " + r.refusal()
                : "invalid: " + ((ConfigSaver.Verdict.Invalid) verdict).message();
        services.audit().record(x.user().name(), "save configuration", form.get().fileName(), outcome, x.source());
        int status = verdict instanceof ConfigSaver.Verdict.Refused || verdict instanceof ConfigSaver.Verdict.Invalid
                ? HttpStatus.UNPROCESSABLE_ENTITY_422 : 200;
        renderForm(x, schemas.get().form(stem).orElse(form.get()), status, verdict);
        return true;
    }

    private void renderForm(Exchange x, ConfigSchemas.Form form, int status, ConfigSaver.Verdict verdict) {
        ConfigSchemas.Label message = VerdictMessage.of(form, verdict);
        boolean good = verdict instanceof ConfigSaver.Verdict.Accepted || verdict instanceof ConfigSaver.Verdict.Pending;
        services.pages().render(x.response(), x.callback(), status, out -> JteconfigformGenerated.render(out, null,
                handler.frame(x.session(), form.name().text(), "/config"), form, message, good));
    }

}
