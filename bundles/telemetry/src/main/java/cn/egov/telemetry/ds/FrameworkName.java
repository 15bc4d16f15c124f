package cn.egov.telemetry.ds;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * Kura's {@code osgi_framework} BIRTH metric: which framework implementation runs the box, and
 * its version ("Apache Felix 7.0.5", "Eclipse Equinox 3.21.0.v20240717-2103"), read from the
 * system bundle. Not {@code org.osgi.framework.vendor/version}: those are the vendor and the OSGi
 * specification version ("Apache Software Foundation 1.9"), which tell the NOC nothing it can act on.
 */
final class FrameworkName {
    private FrameworkName() {
    }

    static String of(Bundle systemBundle) {
        String symbolicName = systemBundle.getSymbolicName();
        String name = switch (symbolicName == null ? "" : symbolicName) {
            // the two frameworks the box is built and tested on; their manifests name them less plainly
            case "org.apache.felix.framework" -> "Apache Felix";
            case "org.eclipse.osgi" -> "Eclipse Equinox";
            default -> {
                String bundleName = systemBundle.getHeaders("").get(Constants.BUNDLE_NAME);
                yield bundleName != null && !bundleName.isBlank() ? bundleName : String.valueOf(symbolicName);
            }
        };
        return name + " " + systemBundle.getVersion();
    }
}
