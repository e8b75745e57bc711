package org.turnctl.it.arch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The rules can fail: a fixture with a deliberate cycle between a root package and its
 * subpackage (the shape turn-server had: root <-> handler) is caught, and so is a codec class
 * that reaches into the server.
 */
class LayeringRulesSelfTest {

    @Test
    void aCycleThroughTheRootPackageIsCaught() {
        JavaClasses fixture = new ClassFileImporter().importPackages("org.turnctl.archfixture.cycle");
        AssertionError e = assertThrows(AssertionError.class,
                () -> LayeringRules.noPackageCycles("org.turnctl.archfixture.cycle").check(fixture));
        assertTrue(e.getMessage().contains("Cycle detected"), e.getMessage());
    }

    @Test
    void aCycleBetweenRootAndOneSubpackageAloneIsCaught() {
        // Only Root and a (b left out): the one cycle is root <-> a, which a rule that puts the
        // root package in no slice would miss.
        JavaClasses fixture = new ClassFileImporter().importClasses(org.turnctl.archfixture.cycle.Root.class,
                org.turnctl.archfixture.cycle.a.UsesRoot.class);
        AssertionError e = assertThrows(AssertionError.class,
                () -> LayeringRules.noPackageCycles("org.turnctl.archfixture.cycle").check(fixture));
        assertTrue(e.getMessage().contains("Slice org.turnctl.archfixture.cycle ->"), e.getMessage());
    }

    @Test
    void aModuleWithoutCyclesPasses() {
        JavaClasses fixture = new ClassFileImporter().importClasses(org.turnctl.archfixture.cycle.b.UsesA.class);
        LayeringRules.noPackageCycles("org.turnctl.archfixture.cycle").check(fixture);
    }
}
