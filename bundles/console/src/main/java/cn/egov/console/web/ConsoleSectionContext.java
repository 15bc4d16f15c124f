package cn.egov.console.web;

import cn.egov.console.api.ConsoleSection;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.SectionContext;
import cn.egov.console.store.StoreException;
import gg.jte.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The {@link SectionContext} of one request the console passed to a section. */
final class ConsoleSectionContext implements SectionContext {
    private final ConsoleServices services;
    private final ConsoleHandler handler;
    private final ConsoleUser user;
    private final String csrf;
    private final boolean apiToken;
    private final String source;
    private final ConsoleSection section;

    ConsoleSectionContext(ConsoleServices services, ConsoleHandler handler, ConsoleUser user, String csrf, boolean apiToken,
                          String source, ConsoleSection section) {
        this.services = services;
        this.handler = handler;
        this.user = user;
        this.csrf = csrf;
        this.apiToken = apiToken;
        this.source = source;
        this.section = section;
    }

    @Override
    public ConsoleUser user() {
        return user;
    }

    @Override
    public boolean apiToken() {
        return apiToken;
    }

    @Override
    public String csrfToken() {
        return csrf;
    }

    @Override
    public Content csrfField() {
        return Pages.csrfField(csrf);
    }

    @Override
    public void render(Response response, Callback callback, String title, Content body) {
        var session = new cn.egov.console.auth.Session("", user, csrf, java.time.Instant.EPOCH, java.time.Instant.EPOCH, source);
        services.pages().renderLayout(response, callback, handler.frame(session, title, "/" + section.path() + "/"), body);
    }

    @Override
    public void audit(String action, String target, String outcome) {
        try {
            services.audit().record(user.name(), action, target, outcome, source);
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
