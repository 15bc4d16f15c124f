package cn.egov.manager.taskbook;

import cn.egov.manager.export.EvidenceDigest;

/**
 * A task book as it leaves the manager.
 *
 * @param book        the task book (what the hash covers)
 * @param scopeName   the scope's name
 * @param collectedAt when the store was read (ms)
 * @param digest      the task book as canonical JSON and its SHA-256
 * @param exportedBy  who asked (account and role)
 */
public record ExportedTaskbook(Taskbook book, String scopeName, long collectedAt, EvidenceDigest digest, String exportedBy) {

    public String fileStem() {
        return "taskbook-" + book.year() + "-" + book.scope();
    }
}
