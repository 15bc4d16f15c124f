package cn.egov.exchange.model;

import cn.egov.api.time.BeijingTime;
import cn.egov.rules.unit.UnitCode;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a clerk says about a document: 文号, title, issuing unit, recipients, urgency, 密级 and
 * deadline. The constructor refuses anything that may not be sent (one {@link DocumentRefused} line
 * naming the field), above all a classified document.
 *
 * @param messageId      the exchange's id for the document, kept across application resends (see {@link MessageIds})
 * @param docNumber      文号, e.g. {@code 保水发〔2026〕17号}
 * @param title          标题
 * @param issuer         发文单位 (the sending unit)
 * @param recipients     主送/抄送 units, at least one, no repeats, not the issuer
 * @param urgency        紧急程度
 * @param classification 密级: only {@link Classification#NON_SECRET}
 * @param deadline       until when the exchange tries to deliver; after it the sender is told "undeliverable"
 * @param created        when the clerk sent it
 */
public record DocumentMeta(String messageId, String docNumber, String title, UnitCode issuer, List<UnitCode> recipients,
                           Urgency urgency, Classification classification, Instant deadline, Instant created) {

    public static final int MAX_TEXT = 500;
    private static final Pattern NO_CONTROL = Pattern.compile("[^\\p{Cntrl}]*");

    public DocumentMeta {
        MessageIds.check(messageId);
        docNumber = text("doc number", docNumber);
        title = text("title", title);
        if (issuer == null) {
            throw new DocumentRefused("issuer", "is missing");
        }
        if (recipients == null || recipients.isEmpty()) {
            throw new DocumentRefused("recipients", "at least one recipient unit is needed");
        }
        recipients = List.copyOf(recipients);
        Set<UnitCode> seen = new HashSet<>();
        for (int i = 0; i < recipients.size(); i++) {
            UnitCode r = recipients.get(i);
            if (r.equals(issuer)) {
                throw new DocumentRefused("recipients[" + i + "]", r + " is the issuing unit itself");
            }
            if (!seen.add(r)) {
                throw new DocumentRefused("recipients[" + i + "]", r + " is named twice");
            }
        }
        if (urgency == null) {
            throw new DocumentRefused("urgency", "is missing");
        }
        if (classification == null) {
            throw new DocumentRefused("classification", "is missing");
        }
        if (classification != Classification.NON_SECRET) {
            throw new DocumentRefused("classification", "a " + classification.chinese()
                    + " document may not be sent over the exchange: only 非密 documents may pass");
        }
        if (deadline == null || created == null) {
            throw new DocumentRefused("deadline", "is missing");
        }
        if (!deadline.isAfter(created)) {
            throw new DocumentRefused("deadline", BeijingTime.toMinute(deadline) + " (China time) has passed: a deadline must be after the time"
                    + " of sending, " + BeijingTime.toMinute(created));
        }
    }

    private static String text(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new DocumentRefused(field, "is empty");
        }
        String v = value.strip();
        if (v.length() > MAX_TEXT || !NO_CONTROL.matcher(v).matches()) {
            throw new DocumentRefused(field, "must be at most " + MAX_TEXT + " characters without control characters");
        }
        return v;
    }

    /** Parses recipient unit codes, naming the one that is not a unit code. */
    public static List<UnitCode> parseRecipients(List<String> codes) {
        if (codes == null) {
            return List.of();
        }
        java.util.ArrayList<UnitCode> out = new java.util.ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            String c = codes.get(i) == null ? "" : codes.get(i).strip();
            if (!UnitCode.isValid(c)) {
                throw new DocumentRefused("recipients[" + i + "]", "'" + cn.egov.api.text.LogSafe.of(c)
                        + "' is not a unit code CCCCCC-DDD");
            }
            out.add(UnitCode.parse(c));
        }
        return out;
    }
}
