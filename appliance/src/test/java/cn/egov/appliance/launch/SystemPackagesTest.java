package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SystemPackagesTest {

    @Test
    void keepsVersionsDropsDirectivesAndSplitsOutsideQuotes() {
        assertEquals(List.of("org.slf4j;version=\"2.0.17\"", "org.slf4j.spi;version=\"2.0.17\"", "a;version=1", "b;version=1"),
                SystemPackages.packages("org.slf4j;uses:=\"org.slf4j.event,org.slf4j.spi\";version=\"2.0.17\","
                        + "org.slf4j.spi;version=\"2.0.17\";uses:=\"org.slf4j\",a;b;version=1"));
    }

    @Test
    void theLaunchersOwnApisAreExportedAboveTheApiBundlesVersion() {
        assertEquals("cn.egov.api.launcher;version=\"0.1.0.launcher\"", SystemPackages.raisedVersion("cn.egov.api.launcher;version=\"0.1.0\""));
        assertEquals("a;version=\"1.2.0.rc1-launcher\";x=y", SystemPackages.raisedVersion("a;version=\"1.2.0.rc1\";x=y"));
        assertEquals("a;version=\"2.0.0.launcher\"", SystemPackages.raisedVersion("a;version=2"));
        String extra = SystemPackages.extraExports();
        assertTrue(extra.contains("cn.egov.api.launcher;version=\"0.1.0.launcher\""), extra);
        assertTrue(extra.contains("cn.egov.api.selftest;version=\"0.1.0.launcher\""), extra);
    }

    @Test
    void exportsSlf4jAlsoAs1736ForSqliteJdbc() {
        String extra = SystemPackages.extraExports();
        assertTrue(extra.contains("org.slf4j;version=\"2.0.17\""), extra);
        assertTrue(extra.contains("org.slf4j;version=\"1.7.36\""), extra);
        assertTrue(extra.contains("org.osgi.service.cm;version="), extra);
        assertTrue(!extra.contains("org.apache.felix"), () -> "no implementation packages: " + extra);
        assertTrue(extra.contains("org.osgi.service.component.runtime;version=\"1.5\""), extra);
        assertTrue(!extra.contains("uses:="), extra);
    }
}
