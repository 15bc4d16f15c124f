package cn.egov.exchange.ds;

import cn.egov.console.api.ConsoleSection;
import cn.egov.console.api.Role;
import cn.egov.exchange.web.NotConfiguredSection;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.osgi.service.component.annotations.Component;

/**
 * The 公文交换 section's stand-in: {@link ExchangeComponent} waits for its configuration file, so
 * on a fresh box {@code /exchange/} would be a bare 404. This holds the path until the exchange is
 * configured and tells the clerk who opens it to ask the technician to save the form
 * ({@link NotConfiguredSection}); the console gives the path to the real section once it comes.
 */
@Component(service = ConsoleSection.class, immediate = true)
public final class ExchangeOffSection implements ConsoleSection {
    private final NotConfiguredSection handler = new NotConfiguredSection(BoxExchangeSettings.PID);

    @Override
    public String path() {
        return ExchangeComponent.PATH;
    }

    @Override
    public String title() {
        return ExchangeComponent.TITLE;
    }

    @Override
    public Set<Role> roles() {
        return ExchangeComponent.ROLES;
    }

    @Override
    public Request.Handler handler() {
        return handler;
    }

    @Override
    public boolean standIn() {
        return true;
    }
}
