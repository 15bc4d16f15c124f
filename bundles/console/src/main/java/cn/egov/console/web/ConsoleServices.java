package cn.egov.console.web;

import cn.egov.api.launcher.BoxLauncher;
import cn.egov.api.selftest.SelfTest;
import cn.egov.console.auth.LoginService;
import cn.egov.console.auth.Sessions;
import cn.egov.console.config.ConfigSaver;
import cn.egov.console.config.ConfigSchemas;
import cn.egov.console.status.BoxStatus;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.AuditLog;
import cn.egov.console.tls.ConsoleTls;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything the console's pages use, wired once by the DS component.
 *
 * @param schemas   the configuration forms; empty when the launcher set no configuration directory
 * @param unit      the box's unit code (shown in the header; the default unit of new accounts)
 * @param logLines  how many recent log lines the log page shows
 */
public record ConsoleServices(Accounts accounts, AuditLog audit, Sessions sessions, LoginService login, Pages pages,
                              SectionRegistry sections, Supplier<BoxStatus.Snapshot> status,
                              Supplier<List<SelfTest>> selfTests, Optional<ConfigSchemas> schemas, ConfigSaver saver,
                              Supplier<Optional<BoxLauncher>> launcher, ConsoleTls tls, Supplier<String> unit, int logLines) {
}
