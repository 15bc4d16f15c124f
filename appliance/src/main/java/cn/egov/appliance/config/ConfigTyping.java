package cn.egov.appliance.config;

import cn.egov.api.launcher.BoxLauncher.ConfigRefusal;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Turns the text of a configuration file into typed properties using the component's Metatype
 * (its {@code @ObjectClassDefinition}): the Metatype is the one schema, so unknown options,
 * wrong types, values outside the allowed options and missing required options are all reported
 * against the file and line, before anything reaches Configuration Admin.
 *
 * <p>A PID with no Metatype (a third-party component) gets its values as strings.
 */
public final class ConfigTyping {
    /** Property added to every configuration we apply, so that we can find it again when its file goes. */
    public static final String SOURCE_FILE = "egov.config.file";
    /** Property identifying one version of a file's content, to see which version a component runs with. */
    public static final String REVISION = "egov.config.revision";

    private static final String LIST_SEPARATOR = ",";
    /**
     * Declarative Services reads {@code <reference>.target} from the configuration as the target
     * filter of that reference; it is never part of a Metatype, so it is allowed everywhere.
     */
    static final String REFERENCE_TARGET_SUFFIX = ".target";

    public Hashtable<String, Object> toProperties(ConfigFile file, Optional<ObjectClassDefinition> definition)
            throws ConfigFileException {
        Hashtable<String, Object> properties = new Hashtable<>();
        if (definition.isEmpty()) {
            for (ConfigEntry entry : file.entries()) {
                properties.put(entry.key(), entry.value());
            }
        } else {
            typed(file, definition.get(), properties);
        }
        properties.put(SOURCE_FILE, file.file().toAbsolutePath().toString());
        properties.put(REVISION, revision(file));
        return properties;
    }

    /** A digest of the options (not of comments or layout): equal content, equal revision. */
    static String revision(ConfigFile file) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (ConfigEntry e : file.entries()) {
                sha.update((e.key() + "\u0000" + e.value() + "\u0000").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static void typed(ConfigFile file, ObjectClassDefinition ocd, Map<String, Object> out)
            throws ConfigFileException {
        Map<String, AttributeDefinition> byId = attributes(ocd, ObjectClassDefinition.ALL);
        for (ConfigEntry entry : file.entries()) {
            AttributeDefinition ad = byId.get(entry.key());
            if (ad == null && entry.key().endsWith(REFERENCE_TARGET_SUFFIX)) {
                out.put(entry.key(), entry.value());
                continue;
            }
            if (ad == null) {
                String known = String.join(", ", byId.keySet());
                throw new ConfigFileException(ConfigRefusal.of(file.file(), entry.line(),
                        "未知的选项 '" + entry.key() + "'（" + ocd.getID() + "）；可用的选项：" + known,
                        "unknown option '" + entry.key() + "' for " + ocd.getID() + " (" + ocd.getName()
                                + "); known options: " + known));
            }
            out.put(entry.key(), convert(file, entry, ad));
        }
        for (AttributeDefinition ad : attributes(ocd, ObjectClassDefinition.REQUIRED).values()) {
            boolean hasDefault = ad.getDefaultValue() != null && ad.getDefaultValue().length > 0;
            if (!out.containsKey(ad.getID()) && !hasDefault) {
                throw new ConfigFileException(new ConfigRefusal(file.file(), 0, ad.getID(), "必填，但未填写",
                        "required option '" + ad.getID() + "' (" + ad.getName() + ") is missing"));
            }
        }
    }

    private static Map<String, AttributeDefinition> attributes(ObjectClassDefinition ocd, int filter) {
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(filter);
        Map<String, AttributeDefinition> byId = new LinkedHashMap<>();
        for (AttributeDefinition ad : ads == null ? new AttributeDefinition[0] : ads) {
            byId.put(ad.getID(), ad);
        }
        return byId;
    }

    private static Object convert(ConfigFile file, ConfigEntry entry, AttributeDefinition ad) throws ConfigFileException {
        int cardinality = ad.getCardinality();
        List<String> texts = cardinality == 0
                ? List.of(entry.value())
                : entry.value().isEmpty() ? List.of() : Arrays.stream(entry.value().split(LIST_SEPARATOR, -1)).map(String::strip).toList();
        int max = Math.abs(cardinality);
        if (cardinality != 0 && max != Integer.MAX_VALUE && texts.size() > max) {
            throw error(file, entry, "最多 " + max + " 个值，实为 " + texts.size() + " 个",
                    "takes at most " + max + " values, got " + texts.size());
        }
        Class<?> javaType = javaType(ad.getType());
        List<Object> values = new ArrayList<>();
        for (String text : texts) {
            values.add(single(file, entry, ad, text));
        }
        if (cardinality == 0) {
            return values.get(0);
        }
        if (cardinality < 0) {
            return values;
        }
        Object array = Array.newInstance(javaType, values.size());
        for (int i = 0; i < values.size(); i++) {
            Array.set(array, i, values.get(i));
        }
        return array;
    }

    private static Object single(ConfigFile file, ConfigEntry entry, AttributeDefinition ad, String text)
            throws ConfigFileException {
        String[] options = ad.getOptionValues();
        if (options != null && options.length > 0 && !Arrays.asList(options).contains(text)) {
            throw error(file, entry, "'" + text + "' 不是可选值之一：" + String.join(", ", options),
                    "'" + text + "' is not one of " + String.join(", ", options));
        }
        Object value;
        try {
            value = parser(ad.getType()).apply(text);
        } catch (IllegalArgumentException e) {
            throw error(file, entry, "'" + text + "' 不是" + chineseTypeName(ad.getType()),
                    "'" + text + "' is not " + typeName(ad.getType()));
        }
        // Felix Metatype checks min/max and options; "" means valid, null means "no validation".
        String invalid = ad.validate(text);
        if (invalid != null && !invalid.isEmpty()) {
            throw error(file, entry, "值不被接受：" + invalid, invalid); // Felix's reason, in English only
        }
        return value;
    }

    private static ConfigFileException error(ConfigFile file, ConfigEntry entry, String chinese, String english) {
        return new ConfigFileException(ConfigRefusal.ofOption(file.file(), entry.line(), entry.key(), chinese, english));
    }

    @SuppressWarnings("deprecation")
    private static Function<String, Object> parser(int type) {
        return switch (type) {
            case AttributeDefinition.LONG -> Long::valueOf;
            case AttributeDefinition.INTEGER -> Integer::valueOf;
            case AttributeDefinition.SHORT -> Short::valueOf;
            case AttributeDefinition.BYTE -> Byte::valueOf;
            case AttributeDefinition.DOUBLE -> Double::valueOf;
            case AttributeDefinition.FLOAT -> Float::valueOf;
            case AttributeDefinition.BOOLEAN -> ConfigTyping::strictBoolean;
            case AttributeDefinition.CHARACTER -> ConfigTyping::character;
            default -> s -> s;
        };
    }

    private static Class<?> javaType(int type) {
        return switch (type) {
            case AttributeDefinition.LONG -> Long.class;
            case AttributeDefinition.INTEGER -> Integer.class;
            case AttributeDefinition.SHORT -> Short.class;
            case AttributeDefinition.BYTE -> Byte.class;
            case AttributeDefinition.DOUBLE -> Double.class;
            case AttributeDefinition.FLOAT -> Float.class;
            case AttributeDefinition.BOOLEAN -> Boolean.class;
            case AttributeDefinition.CHARACTER -> Character.class;
            default -> String.class;
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case AttributeDefinition.LONG, AttributeDefinition.INTEGER, AttributeDefinition.SHORT, AttributeDefinition.BYTE -> "a whole number in range";
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "a number";
            case AttributeDefinition.BOOLEAN -> "true or false";
            case AttributeDefinition.CHARACTER -> "a single character";
            default -> "text";
        };
    }

    private static String chineseTypeName(int type) {
        return switch (type) {
            case AttributeDefinition.LONG, AttributeDefinition.INTEGER, AttributeDefinition.SHORT, AttributeDefinition.BYTE -> "允许范围内的整数";
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "数字";
            case AttributeDefinition.BOOLEAN -> " true 或 false";
            case AttributeDefinition.CHARACTER -> "单个字符";
            default -> "文本";
        };
    }

    private static Boolean strictBoolean(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException(s);
        };
    }

    private static Character character(String s) {
        if (s.length() != 1) {
            throw new IllegalArgumentException(s);
        }
        return s.charAt(0);
    }

}
