package cn.egov.manager.taskbook;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.export.DocumentKit;
import cn.egov.manager.export.EvidenceDigest;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.web.Caller;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.function.Supplier;

/** Builds task books for callers (the units they may see) and records entries. */
final class TaskbookService {

    private final TaskbookBuilder builder;
    private final TaskbookStore store;
    private final Supplier<DocumentKit> documents;
    private final Clock clock;

    TaskbookService(TaskbookBuilder builder, TaskbookStore store, Supplier<DocumentKit> documents, Clock clock) {
        this.builder = builder;
        this.store = store;
        this.documents = documents;
        this.clock = clock;
    }

    ExportedTaskbook collect(TaskbookQuery q, Caller caller) throws SQLException {
        long now = clock.millis();
        Taskbook book = builder.build(q.year(), q.scope(), caller::sees, now);
        return new ExportedTaskbook(book, name(q.scope().code()), now, EvidenceDigest.of(book), caller.name() + " (" + caller.role().label + ")");
    }

    /** Whether {@code scope} exists; a task book of a scope that does not is refused, not signed empty. */
    boolean knows(Scope scope) {
        return builder.knows(scope);
    }

    static String name(String code) {
        String n = code.length() <= 6 ? PlaceNames.HEBEI.name(code) : null;
        return n == null ? code : n;
    }

    int currentYear() {
        return LocalDate.now(clock.withZone(BeijingTime.ZONE)).getYear();
    }

    long now() {
        return clock.millis();
    }

    TaskbookStore store() {
        return store;
    }

    /** The report part's font and signer (null until it started). */
    DocumentKit documents() {
        return documents.get();
    }
}
