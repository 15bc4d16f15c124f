package cn.egov.rules.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a policy directory: every {@code *.policy} file, in name order (so {@code 10-baseline.policy}
 * comes before {@code 50-unit.policy}), parsed, checked against the schema and validated.
 *
 * <pre>{@code
 * PolicyLoad load = PolicyLoader.load(Path.of("rules/policy"), LocalDate.now());
 * load.findings().forEach(System.out::println);   // 10-baseline.policy:12: error: field 'to': ...
 * IsolationPolicy policy = load.policyOrThrow();
 * }</pre>
 */
public final class PolicyLoader {

    /** Policy files end with this suffix; other files in the directory are ignored. */
    public static final String SUFFIX = ".policy";

    private PolicyLoader() {
    }

    public static PolicyLoad load(Path dir, LocalDate today) {
        Origin dirOrigin = new Origin(dir.toString(), 0);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
        } catch (IOException e) {
            return new PolicyLoad(null, List.of(new Finding(Finding.Severity.ERROR, "io", dirOrigin, "directory",
                    "cannot list: " + e.getMessage())));
        }
        SortedMap<String, byte[]> contents = new TreeMap<>();
        List<Finding> unreadable = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            try {
                contents.put(name, Files.readAllBytes(f));
            } catch (IOException e) {
                unreadable.add(new Finding(Finding.Severity.ERROR, "io", new Origin(name, 0), "file", "cannot read: " + e.getMessage()));
            }
        }
        return load(contents, dir.toString(), today, unreadable);
    }

    /**
     * The same load from files held in memory (name → content), e.g. a policy uploaded to the
     * manager: nothing is written to disk, and findings name the files only.
     *
     * <pre>{@code
     * PolicyLoad load = PolicyLoader.load(Map.of("10-zones.policy", bytes), "upload", LocalDate.now());
     * }</pre>
     *
     * @param label what the set of files is called in findings about the whole policy (a directory, "upload")
     */
    public static PolicyLoad load(Map<String, byte[]> files, String label, LocalDate today) {
        SortedMap<String, byte[]> policyFiles = new TreeMap<>();
        files.forEach((name, content) -> {
            if (name.endsWith(SUFFIX)) {
                policyFiles.put(name, content);
            }
        });
        return load(policyFiles, label, today, List.of());
    }

    private static PolicyLoad load(SortedMap<String, byte[]> files, String label, LocalDate today, List<Finding> earlier) {
        List<Finding> findings = new ArrayList<>(earlier);
        Origin setOrigin = new Origin(label, 0);
        if (files.isEmpty() && findings.isEmpty()) {
            findings.add(new Finding(Finding.Severity.ERROR, "io", setOrigin, "directory", "no *" + SUFFIX + " files"));
            return new PolicyLoad(null, findings);
        }
        MessageDigest sha = sha256();
        PolicyParser parser = new PolicyParser(findings);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String name = f.getKey();
            byte[] bytes = f.getValue();
            Origin fileOrigin = new Origin(name, 0);
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(bytes);
            sha.update((byte) 0);
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                findings.add(new Finding(Finding.Severity.ERROR, "syntax", fileOrigin, "file", "not UTF-8 text"));
                continue;
            }
            PolicyText.read(name, text, findings).forEach(parser::add);
        }
        IsolationPolicy policy = parser.build(HexFormat.of().formatHex(sha.digest()), setOrigin);
        if (policy != null && findings.stream().noneMatch(Finding::isError)) {
            findings.addAll(PolicyValidator.validate(policy, today));
        }
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing((Finding x) -> x.severity()).thenComparing(x -> x.origin().file())
                .thenComparingInt(x -> x.origin().line()));
        return new PolicyLoad(policy, sorted);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
