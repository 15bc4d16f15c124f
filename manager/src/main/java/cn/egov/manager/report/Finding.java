package cn.egov.manager.report;

import java.util.List;

/**
 * One item of one unit: the verdict and the data behind it.
 *
 * @param item          what was judged
 * @param verdict       the conclusion
 * @param summary       the figures the verdict rests on, in one line
 * @param evidence      the events behind it (alarms with their evidence, findings), oldest first, at
 *                      most the report's bound
 * @param evidenceTotal how many events there were (more than {@code evidence} holds when bounded)
 */
public record Finding(ReportItem item, Verdict verdict, String summary, List<String> evidence, int evidenceTotal) {

    public Finding {
        evidence = List.copyOf(evidence);
    }

    public static Finding of(ReportItem item, Verdict verdict, String summary) {
        return new Finding(item, verdict, summary, List.of(), 0);
    }
}
