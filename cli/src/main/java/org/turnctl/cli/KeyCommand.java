package org.turnctl.cli;

import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.turnctl.probe.report.ExitCode;
import org.turnctl.stun.codec.Integrity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code turnctl key}: the long-term key for a users file, as coturn's {@code turnadmin -k} prints it. */
@Command(name = "key", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Print the long-term key MD5(user:realm:password) for a users file line.",
            "Prints 0x<32 hex digits>; a users file line is then NAME:0x<hex> (coturn's format)."})
final class KeyCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--user", required = true, description = "User name.")
    String user;

    @Option(names = "--realm", required = true, description = "The server's realm (serve --realm).")
    String realm;

    @Option(names = "--password", required = true, interactive = false, description = "The password.")
    String password;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("0x" + HexFormat.of().formatHex(Integrity.longTermKeyMd5(user, realm, password)));
        return ExitCode.OK.code();
    }
}
