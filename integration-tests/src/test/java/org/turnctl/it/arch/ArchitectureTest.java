package org.turnctl.it.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped code of every module obeys {@link LayeringRules}. */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.turnctl.stun", "org.turnctl.server", "org.turnctl.probe", "org.turnctl.cli");
    }

    @Test
    void stunCodecDependsOnNothingOfOurs() {
        LayeringRules.CODEC_DEPENDS_ON_NOTHING_OF_OURS.check(main);
    }

    @Test
    void turnServerUsesOnlyTheCodec() {
        LayeringRules.SERVER_USES_ONLY_CODEC.check(main);
    }

    @Test
    void stunProbeUsesOnlyTheCodec() {
        LayeringRules.PROBE_USES_ONLY_CODEC.check(main);
    }

    @Test
    void cliShipsNoTestCode() {
        LayeringRules.CLI_USES_NO_TEST_CODE.check(main);
    }

    @Test
    void noPackageCyclesInStunCodec() {
        LayeringRules.noPackageCycles("org.turnctl.stun").check(main);
    }

    @Test
    void noPackageCyclesInTurnServer() {
        LayeringRules.noPackageCycles("org.turnctl.server").check(main);
    }

    @Test
    void noPackageCyclesInStunProbe() {
        LayeringRules.noPackageCycles("org.turnctl.probe").check(main);
    }

    @Test
    void noPackageCyclesInCli() {
        LayeringRules.noPackageCycles("org.turnctl.cli").check(main);
    }
}
