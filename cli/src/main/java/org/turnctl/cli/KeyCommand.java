package org.turnctl.cli;

import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.turnctl.probe.report.ExitCode;
import org.turnctl.stun.codec.Integrity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code turnctl key}: the long-term key for a users file, as coturn's {@code turnadmin -k} prints it. */
@Command(name = "key", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Print the long-term key MD5(user:realm:password) for a users file line, or with --algorithm sha256 "
                + "the SHA-256 key for its optional third column.",
            "Prints 0x<hex>; a users file line is then NAME:0x<md5> (coturn's format) or NAME:0x<md5>:0x<sha256>."})
final class KeyCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--user", required = true, description = "User name.")
    String user;

    @Option(names = "--realm", required = true, description = "The server's realm (serve --realm).")
    String realm;

    @Option(names = "--password", required = true, interactive = false, description = "The password.")
    String password;

    @Option(names = "--algorithm", defaultValue = "md5", paramLabel = "md5|sha256",
            description = "The password algorithm (RFC 8489 section 18.5): md5 (default) or sha256.")
    String algorithm;

    @Override
    public Integer call() {
        byte[] key = switch (algorithm.toLowerCase(java.util.Locale.ROOT)) {
            case "md5" -> Integrity.longTermKeyMd5(user, realm, password);
            case "sha256", "sha-256" -> Integrity.longTermKeySha256(user, realm, password);
            default -> null;
        };
        if (key == null) {
            spec.commandLine().getErr().println("turnctl key: --algorithm " + algorithm + ": expected md5 or sha256");
            return ExitCode.USAGE.code();
        }
        spec.commandLine().getOut().println("0x" + HexFormat.of().formatHex(key));
        return ExitCode.OK.code();
    }
}
