package cn.egov.console.config;

import cn.egov.api.launcher.BoxLauncher;

/**
 * What a form's page says after 保存并应用 Save and apply, Chinese first and English after: the
 * one place where a save's verdict becomes the technician's sentence. A refusal names the field by
 * its Chinese label (from the Metatype's {@code zh} localization) and gives the launcher's reason
 * in Chinese; the English is the launcher's file:line line, as the log and the CLI print it.
 */
public final class VerdictMessage {
    private VerdictMessage() {
    }

    /** @return empty when there is no verdict (the form as first opened) */
    public static ConfigSchemas.Label of(ConfigSchemas.Form form, ConfigSaver.Verdict verdict) {
        if (verdict instanceof ConfigSaver.Verdict.Accepted a) {
            return new ConfigSchemas.Label("已应用：" + a.file() + " 已生效。", "Applied: " + a.file() + " is in force.");
        }
        if (verdict instanceof ConfigSaver.Verdict.Pending p) {
            return new ConfigSchemas.Label("已保存：" + p.file() + "；控制台将以新设置重新启动，请几秒钟后刷新本页。",
                    "Saved: " + p.file() + "; the console restarts with the new settings: reload this page in a few seconds.");
        }
        if (verdict instanceof ConfigSaver.Verdict.Refused r) {
            return new ConfigSchemas.Label("被拒绝，原来的设置继续有效。" + where(form, r.refusal()) + "：" + r.refusal().chinese() + "。",
                    "Refused, the previous settings stay in force: " + r.refusal());
        }
        if (verdict instanceof ConfigSaver.Verdict.Invalid i) {
            return new ConfigSchemas.Label("未保存：" + i.chinese(), "Not saved: " + i.message());
        }
        return new ConfigSchemas.Label("", "");
    }

    /** The field at fault by its name on the form, else the file (and line). */
    private static String where(ConfigSchemas.Form form, BoxLauncher.ConfigRefusal refusal) {
        String line = refusal.line() > 0 ? "（第 " + refusal.line() + " 行）" : "";
        return form.fields().stream().filter(f -> f.id().equals(refusal.option())).findFirst()
                .map(f -> "「" + f.name().chineseOrEnglish() + "」" + f.id() + line)
                .orElse(form.fileName() + line);
    }
}
