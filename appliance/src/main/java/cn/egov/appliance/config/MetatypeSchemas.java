package cn.egov.appliance.config;

import java.util.Arrays;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/** Schemas from the Metatype service: the {@code OSGI-INF/metatype} descriptors bnd generated in each bundle. */
public final class MetatypeSchemas implements SchemaLookup {
    private final BundleContext context;
    private final MetaTypeService metatype;

    private static final String ENGLISH = "en";

    public MetatypeSchemas(BundleContext context, MetaTypeService metatype) {
        this.context = context;
        this.metatype = metatype;
    }

    @Override
    public Optional<ObjectClassDefinition> find(String pid, boolean factory) {
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(bundle);
            if (info == null) {
                continue;
            }
            String[] pids = factory ? info.getFactoryPids() : info.getPids();
            if (pids != null && Arrays.asList(pids).contains(pid)) {
                // English, whatever the JVM's locale: the launcher's refusals name options in English
                // (the console's forms read the Chinese names themselves)
                return Optional.ofNullable(info.getObjectClassDefinition(pid, ENGLISH));
            }
        }
        return Optional.empty();
    }
}
