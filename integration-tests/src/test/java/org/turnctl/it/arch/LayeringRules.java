package org.turnctl.it.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The dependency rules of the project, as ArchUnit rules: modules point one way
 * (cli -> {turn-server, stun-probe} -> stun-codec), and no module has a package cycle.
 */
final class LayeringRules {
    static final String CODEC = "org.turnctl.stun..";
    static final String SERVER = "org.turnctl.server..";
    static final String PROBE = "org.turnctl.probe..";
    static final String CLI = "org.turnctl.cli..";
    static final String TEST_SUPPORT = "org.turnctl.testsupport..";
    static final String BENCH = "org.turnctl.bench..";

    private LayeringRules() {
    }

    /** stun-codec is the bottom: nothing of ours. */
    static final ArchRule CODEC_DEPENDS_ON_NOTHING_OF_OURS = noClasses().that().resideInAPackage(CODEC)
            .should().dependOnClassesThat().resideInAnyPackage(SERVER, PROBE, CLI, TEST_SUPPORT, BENCH)
            .because("stun-codec is wire format only, and everything else builds on it");

    /** turn-server may use stun-codec only. */
    static final ArchRule SERVER_USES_ONLY_CODEC = noClasses().that().resideInAPackage(SERVER)
            .should().dependOnClassesThat().resideInAnyPackage(PROBE, CLI, TEST_SUPPORT, BENCH)
            .because("the relay must not depend on the client side or the command line");

    /** stun-probe may use stun-codec only. */
    static final ArchRule PROBE_USES_ONLY_CODEC = noClasses().that().resideInAPackage(PROBE)
            .should().dependOnClassesThat().resideInAnyPackage(SERVER, CLI, TEST_SUPPORT, BENCH)
            .because("the probe judges a relay from outside and must not borrow the server's code");

    /** cli may use turn-server, stun-probe and stun-codec, but nothing test-only. */
    static final ArchRule CLI_USES_NO_TEST_CODE = noClasses().that().resideInAPackage(CLI)
            .should().dependOnClassesThat().resideInAnyPackage(TEST_SUPPORT, BENCH)
            .because("the shipped jar carries no test code");

    /**
     * No package cycles: each package (the module's root package included) is its own slice, so
     * a root package that uses a subpackage which uses the root is a cycle too.
     */
    static ArchRule noPackageCycles(String rootPackage) {
        return slices().assignedFrom(new PackageSlices(rootPackage)).should().beFreeOfCycles()
                .because("one package, one idea: a cycle means two packages are one idea split in two");
    }

    /**
     * Every package under the root, the root itself included, is one slice. ArchUnit's
     * {@code matching("root.(**)")} would leave the root package's classes out of every slice and
     * so miss a cycle between the root and a subpackage.
     */
    private record PackageSlices(String rootPackage) implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            return pkg.equals(rootPackage) || pkg.startsWith(rootPackage + ".")
                    ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "packages of " + rootPackage;
        }
    }
}
