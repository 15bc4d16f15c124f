package cn.egov.manager.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The house drawn from the code's own references (ArchUnit reads the compiled classes, so a fully
 * qualified name counts as much as an import): no circle between any two of the manager's
 * packages, the web shell knows no part, and no part knows the wiring place.
 */
class PackageCyclesTest {

    // the shipped classes only: test classes (any build folder, e.g. -Degov.buildDir=target-x) may use anything
    private static final JavaClasses MANAGER = new ClassFileImporter()
            .withImportOption(location -> !location.contains("/test-classes/") && !location.contains("-tests.jar"))
            .importPackages("cn.egov.manager");

    @Test
    void noCircleBetweenTheManagersPackages() {
        assertFalse(MANAGER.isEmpty());
        // every Java package is a node: cn.egov.manager.fleet and cn.egov.manager.fleet.part are two
        slices().matching("cn.egov.manager.(**)").should().beFreeOfCycles().check(MANAGER);
    }

    @Test
    void theShellKnowsNoPart() {
        noClasses().that().resideInAnyPackage("cn.egov.manager.web..", "cn.egov.manager.store..", "cn.egov.manager.broker..",
                        "cn.egov.manager.ingest..", "cn.egov.manager.part..", "cn.egov.manager.config..")
                .should().dependOnClassesThat().resideInAnyPackage("cn.egov.manager.plan..", "cn.egov.manager.policy..",
                        "cn.egov.manager.fleet.part..", "cn.egov.manager.console..", "cn.egov.manager.hub..", "cn.egov.manager.duty..",
                        "cn.egov.manager.portal..", "cn.egov.manager.exchange..", "cn.egov.manager.app..", "cn.egov.manager.cli..")
                .check(MANAGER);
    }

    @Test
    void noPartKnowsTheWiringPlace() {
        noClasses().that().resideOutsideOfPackages("cn.egov.manager.app..", "cn.egov.manager.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("cn.egov.manager.app..", "cn.egov.manager.cli..")
                .check(MANAGER);
    }

    @Test
    void theCheckSeesACircle() {
        // two test classes that refer to each other across packages: the same rule must fail on them
        JavaClasses circle = new ClassFileImporter().importPackages("cn.egov.manager.arch.a", "cn.egov.manager.arch.b");
        assertFalse(circle.isEmpty());
        assertThrows(AssertionError.class, () -> slices().matching("cn.egov.manager.(**)").should().beFreeOfCycles().check(circle));
    }
}
