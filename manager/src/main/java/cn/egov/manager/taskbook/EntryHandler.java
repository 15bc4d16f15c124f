package cn.egov.manager.taskbook;

import cn.egov.api.text.LogSafe;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.evidence.UnitDirectory;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.WebAudit;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code POST /taskbook/entries} (the page's form: {@code year}, {@code unit}, {@code task},
 * {@code status} {@code done|not-done}, {@code note}, the session's {@code _csrf}): records a task
 * that no report can show, with the note and the person, and goes back to the task book (303).
 * Refused, with the page and one sentence (400): a derived task, an unknown status, an empty or
 * overlong note, a year outside the book; a unit the caller may not see (a technician's other
 * counties) is answered like one that does not exist (404). Done and refused, it is audited
 * ({@code taskbook.entry}).
 */
final class EntryHandler implements Request.Handler {

    static final String PATH = "/taskbook/entries";
    static final String ACTION = "taskbook.entry";
    /** Longest note kept. */
    static final int MAX_NOTE = 500;
    /** A form is small: fields and a note. */
    static final long MAX_BODY = 8192;

    private final TaskbookService service;
    private final UnitDirectory directory;
    private final TaskbookPageHandler page;
    private final AuditLog audit;

    EntryHandler(TaskbookService service, UnitDirectory directory, TaskbookPageHandler page, AuditLog audit) {
        this.service = service;
        this.directory = directory;
        this.page = page;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = Caller.of(request);
        Fields f = FormFields.getFields(request);
        String unit = value(f, "unit");
        String yearText = value(f, "year");
        String target = LogSafe.of(cut(yearText, 10) + " " + cut(unit, 20) + " " + cut(value(f, "task"), 30));
        Fields back = new Fields();
        if (showable(yearText)) { // a year the page cannot show would turn the form into a JSON error
            back.put("year", yearText);
        }
        if (cn.egov.rules.unit.UnitCode.isValid(unit) && caller.sees(unit)) {
            back.put("scope", unit.substring(0, 6));
        }
        String problem;
        Entry entry = null;
        boolean known = cn.egov.rules.unit.UnitCode.isValid(unit) && unit.startsWith(Scope.PROVINCE) && caller.sees(unit)
                && directory.units(new Scope(unit), caller::sees).stream().anyMatch(u -> u.code().equals(unit));
        if (!known) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, "no such unit"));
            // the form back, as for any other mistake; the same words whether the unit is absent or another county's
            return page.render(request, response, callback, back, "unit " + LogSafe.of(cut(unit, 20))
                    + " is not a unit you may enter for: not in the address plan, or not in your counties", 404);
        }
        try {
            entry = entry(f, unit, caller);
            problem = null;
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, problem));
            return page.render(request, response, callback, back, problem, 400);
        }
        audit.record(WebAudit.entry(request, ACTION, entry.year() + " " + entry.unit() + " " + entry.task().name(), AuditEntry.Outcome.SUCCESS,
                (entry.done() ? "DONE" : "NOT_DONE") + ": " + entry.note()));
        service.store().add(entry);
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, "/taskbook?year=" + entry.year() + "&scope=" + entry.unit().substring(0, 6) + "#unit-"
                + entry.unit());
        callback.succeeded();
        return true;
    }

    private Entry entry(Fields f, String unit, Caller caller) {
        int current = service.currentYear();
        int year;
        try {
            year = Integer.parseInt(value(f, "year"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("year must be a year like " + current);
        }
        if (year < TaskbookQuery.FIRST_YEAR || year > current) {
            throw new IllegalArgumentException("year must be between " + TaskbookQuery.FIRST_YEAR + " and " + current + ", got " + year);
        }
        AnnualTask task;
        try {
            task = AnnualTask.valueOf(value(f, "task").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task must be one of the task book's, got '" + LogSafe.of(cut(value(f, "task"), 30)) + "'");
        }
        if (task.derived) {
            throw new IllegalArgumentException("task " + task.name() + " (" + task.chinese + ") is derived from what the box reports;"
                    + " it cannot be entered by hand");
        }
        String status = value(f, "status");
        if (!status.equals("done") && !status.equals("not-done")) {
            throw new IllegalArgumentException("status must be 'done' or 'not-done', got '" + LogSafe.of(cut(status, 20)) + "'");
        }
        String note = value(f, "note").strip();
        if (note.isEmpty()) {
            throw new IllegalArgumentException("a note is required: what was seen, and where the record of it is");
        }
        if (note.codePointCount(0, note.length()) > MAX_NOTE) {
            throw new IllegalArgumentException("the note is longer than " + MAX_NOTE + " characters");
        }
        if (note.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            throw new IllegalArgumentException("the note holds control characters; write it as one line of text");
        }
        return new Entry(year, unit, task, status.equals("done"), note, caller.name(), caller.role().label, service.now());
    }

    private boolean showable(String year) {
        if (!year.matches("\\d{4}")) {
            return false;
        }
        int y = Integer.parseInt(year);
        return y >= TaskbookQuery.FIRST_YEAR && y <= service.currentYear();
    }

    private static String value(Fields f, String name) {
        String v = f.getValue(name);
        return v == null ? "" : v;
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n) + "…";
    }
}
