package cn.egov.console.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The configuration forms, generated from the Metatype of every installed bundle (the one schema
 * the launcher also types the files with): one form per PID, and one per instance file of a
 * factory PID ({@code <factory-pid>~<name>.cfg}).
 *
 * <p>Names and descriptions are read twice through the Metatype service, in Chinese
 * ({@value #CHINESE}) and in English ({@value #ENGLISH}): a bundle localizes its Metatype the
 * standard way (OCD {@code localization}, {@code %key} texts, {@code OSGI-INF/l10n/<name>.properties}
 * in English and {@code <name>_zh.properties} in Chinese), and the form shows the Chinese with the
 * English after. A text the bundle does not localize reads the same in both and is shown once.
 */
public final class ConfigSchemas {
    private static final String EXTENSION = ".cfg";
    private static final char FACTORY_SEPARATOR = '~';
    /** The locales the forms are read in: the technician's language, then the English every bundle has. */
    static final String CHINESE = "zh";
    static final String ENGLISH = "en";

    /**
     * A name or description in Chinese and English.
     *
     * @param chinese empty when the bundle has no Chinese for it
     */
    public record Label(String chinese, String english) {
        static Label of(String chinese, String english) {
            String en = english == null ? "" : english;
            return new Label(chinese == null || chinese.equals(en) ? "" : chinese, en);
        }

        /** One line of plain text (a page title, a file's comment): the Chinese, then the English. */
        public String text() {
            return chinese.isEmpty() ? english : chinese + " " + english;
        }

        /** The name inside a Chinese sentence: the Chinese, or the English when the bundle has none. */
        public String chineseOrEnglish() {
            return chinese.isEmpty() ? english : chinese;
        }

        public boolean isEmpty() {
            return chinese.isEmpty() && english.isEmpty();
        }
    }

    /** A form: one configuration file and its schema. */
    public record Form(String fileName, String pid, boolean factory, Label name, Label description, String bundle,
                       List<Field> fields, boolean exists) {
        public String stem() {
            return fileName.substring(0, fileName.length() - EXTENSION.length());
        }
    }

    /**
     * One option of a form.
     *
     * @param value the raw value in the file ({@code ${data}} unexpanded), empty when the file does not set it
     */
    public record Field(String id, Label name, Label description, String type, boolean list, boolean required,
                        String defaultText, List<String> options, boolean secret, String value) {
        public String inputName() {
            return "opt." + id;
        }
    }

    private final BundleContext context;
    private final MetaTypeService metatype;
    private final Path directory;

    public ConfigSchemas(BundleContext context, MetaTypeService metatype, Path directory) {
        this.context = context;
        this.metatype = metatype;
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** Every form, by title. */
    public List<Form> forms() throws IOException {
        Map<String, Form> forms = new TreeMap<>();
        List<Path> files = files();
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(bundle);
            if (info == null) {
                continue;
            }
            for (String pid : nonNull(info.getPids())) {
                form(info, bundle, pid, pid + EXTENSION, false).ifPresent(f -> forms.put(f.fileName(), f));
            }
            for (String factoryPid : nonNull(info.getFactoryPids())) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.startsWith(factoryPid + FACTORY_SEPARATOR)) {
                        form(info, bundle, factoryPid, name, true).ifPresent(f -> forms.put(f.fileName(), f));
                    }
                }
            }
        }
        return forms.values().stream().sorted(Comparator.comparing(Form::pid).thenComparing(Form::fileName)).toList();
    }

    /** The form of one file, by its name without {@code .cfg}. */
    public Optional<Form> form(String stem) throws IOException {
        return forms().stream().filter(f -> f.stem().equals(stem)).findFirst();
    }

    public Path file(Form form) {
        return directory.resolve(form.fileName());
    }

    private Optional<Form> form(MetaTypeInformation info, Bundle bundle, String pid, String fileName, boolean factory)
            throws IOException {
        ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, ENGLISH);
        ObjectClassDefinition zh = info.getObjectClassDefinition(pid, CHINESE);
        if (ocd == null || zh == null) {
            return Optional.empty();
        }
        Map<String, AttributeDefinition> chinese = new TreeMap<>();
        for (AttributeDefinition ad : nonNull(zh.getAttributeDefinitions(ObjectClassDefinition.ALL))) {
            chinese.put(ad.getID(), ad);
        }
        Path file = directory.resolve(fileName);
        boolean exists = Files.isRegularFile(file);
        Map<String, String> values = exists ? ConfigFileEditor.values(Files.readString(file, StandardCharsets.UTF_8)) : Map.of();
        List<String> required = ids(ocd.getAttributeDefinitions(ObjectClassDefinition.REQUIRED));
        List<Field> fields = new ArrayList<>();
        for (AttributeDefinition ad : nonNull(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL))) {
            boolean secret = ad.getType() == AttributeDefinition.PASSWORD;
            AttributeDefinition adZh = chinese.getOrDefault(ad.getID(), ad);
            fields.add(new Field(ad.getID(), Label.of(adZh.getName(), ad.getName() == null ? ad.getID() : ad.getName()),
                    Label.of(adZh.getDescription(), ad.getDescription()), typeName(ad), ad.getCardinality() != 0,
                    required.contains(ad.getID()),
                    secret ? "" : String.join(", ", nonNull(ad.getDefaultValue())),
                    List.of(nonNull(ad.getOptionValues())), secret,
                    secret ? "" : values.getOrDefault(ad.getID(), "")));
        }
        return Optional.of(new Form(fileName, pid, factory, Label.of(zh.getName(), ocd.getName() == null ? pid : ocd.getName()),
                Label.of(zh.getDescription(), ocd.getDescription()), bundle.getSymbolicName(), fields, exists));
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(EXTENSION)).sorted().toList();
        }
    }

    private static List<String> ids(AttributeDefinition[] ads) {
        return Arrays.stream(nonNull(ads)).map(AttributeDefinition::getID).toList();
    }

    @SuppressWarnings("deprecation")
    static String typeName(AttributeDefinition ad) {
        String base = switch (ad.getType()) {
            case AttributeDefinition.LONG, AttributeDefinition.INTEGER, AttributeDefinition.SHORT, AttributeDefinition.BYTE -> "整数 whole number";
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "数字 number";
            case AttributeDefinition.BOOLEAN -> "true / false";
            case AttributeDefinition.PASSWORD -> "密码 secret";
            default -> "文本 text";
        };
        return ad.getCardinality() != 0 ? base + ", 列表 list (a, b, c)" : base;
    }

    private static String[] nonNull(String[] values) {
        return values == null ? new String[0] : values;
    }

    private static AttributeDefinition[] nonNull(AttributeDefinition[] values) {
        return values == null ? new AttributeDefinition[0] : values;
    }
}
