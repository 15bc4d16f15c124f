package cn.egov.console.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The forms read the Metatype in Chinese and in English through the Metatype service (as a
 * bundle's {@code OSGI-INF/l10n/<name>_zh.properties} gives them), and show a text once when the
 * bundle does not localize it.
 */
class ConfigSchemasTest {
    @TempDir
    Path dir;

    @Test
    void eachNameAndDescriptionIsReadInChineseAndInEnglish() throws Exception {
        Map<String, ObjectClassDefinition> byLocale = Map.of(
                "zh", ocd("网页控制台", "本机的网页控制台。", ad("console.port", "端口", "HTTPS 端口"), ad("log.lines", "Log lines", "")),
                "en", ocd("Web console", "The box's web console.", ad("console.port", "Port", "HTTPS port"), ad("log.lines", "Log lines", "")));
        MetaTypeInformation info = stub(MetaTypeInformation.class, Map.of(
                "getPids", a -> new String[] {"cn.egov.console"},
                "getFactoryPids", a -> new String[0],
                "getObjectClassDefinition", a -> byLocale.get((String) a[1])));
        Bundle bundle = stub(Bundle.class, Map.of("getSymbolicName", a -> "cn.egov.edge.console"));
        BundleContext context = stub(BundleContext.class, Map.of("getBundles", a -> new Bundle[] {bundle}));
        MetaTypeService metatype = stub(MetaTypeService.class, Map.of("getMetaTypeInformation", a -> info));

        ConfigSchemas.Form form = new ConfigSchemas(context, metatype, dir).forms().get(0);
        assertEquals(new ConfigSchemas.Label("网页控制台", "Web console"), form.name());
        assertEquals(new ConfigSchemas.Label("本机的网页控制台。", "The box's web console."), form.description());
        assertEquals("网页控制台 Web console", form.name().text());
        assertEquals(new ConfigSchemas.Label("端口", "Port"), form.fields().get(0).name());
        assertEquals(new ConfigSchemas.Label("HTTPS 端口", "HTTPS port"), form.fields().get(0).description());
        assertEquals(new ConfigSchemas.Label("", "Log lines"), form.fields().get(1).name(), "not localized: shown once");
        assertEquals("Log lines", form.fields().get(1).name().text());
    }

    private static ObjectClassDefinition ocd(String name, String description, AttributeDefinition... ads) {
        return stub(ObjectClassDefinition.class, Map.of("getName", a -> name, "getDescription", a -> description,
                "getAttributeDefinitions", a -> (int) a[0] == ObjectClassDefinition.REQUIRED ? new AttributeDefinition[0] : ads));
    }

    private static AttributeDefinition ad(String id, String name, String description) {
        return stub(AttributeDefinition.class, Map.of("getID", a -> id, "getName", a -> name, "getDescription", a -> description,
                "getType", a -> AttributeDefinition.INTEGER, "getCardinality", a -> 0));
    }

    /** An implementation answering the named methods; any other returns null. */
    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Map<String, Function<Object[], Object>> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Function<Object[], Object> answer = answers.get(method.getName());
            return answer == null ? null : answer.apply(args == null ? new Object[0] : args);
        });
    }
}
