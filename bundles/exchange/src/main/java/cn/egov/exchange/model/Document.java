package cn.egov.exchange.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A document as the clerk hands it over or the recipient opens it: metadata and one or more files.
 */
public record Document(DocumentMeta meta, List<Part> parts) {

    public Document {
        if (parts == null || parts.isEmpty()) {
            throw new DocumentRefused("files", "a document needs at least one file");
        }
        parts = List.copyOf(parts);
        Set<String> names = new HashSet<>();
        for (Part p : parts) {
            if (!names.add(p.name())) {
                throw new DocumentRefused("file name", "'" + p.name() + "' is used twice");
            }
        }
    }

    public long size() {
        return parts.stream().mapToLong(p -> p.content().length).sum();
    }
}
