package org.turnctl.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.turnctl.probe.report.ExitCode;
import org.turnctl.server.tls.SelfSignedCertificate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code turnctl cert self-signed}: a key and certificate for labs and tests. */
@Command(name = "cert", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Certificate tools.", subcommands = {CertCommand.SelfSigned.class})
final class CertCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: self-signed");
    }

    @Command(name = "self-signed", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            usageHelpAutoWidth = true,
            description = "Write key.pem and cert.pem (EC P-256, SHA-256, subjectAltName HOST) into DIR, for "
                    + "serve --cert DIR/cert.pem --key DIR/key.pem in a lab. Browsers and probes do not trust it: "
                    + "use a CA-issued certificate in production.")
    static final class SelfSigned implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--host", required = true, paramLabel = "NAME", description = "DNS name or IP address clients connect to.")
        String host;

        @Option(names = "--days", defaultValue = "90", paramLabel = "N", description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for key.pem and cert.pem.")
        Path out;

        @Override
        public Integer call() {
            if (days < 1) {
                spec.commandLine().getErr().println("turnctl cert self-signed: --days must be at least 1");
                return ExitCode.USAGE.code();
            }
            try {
                SelfSignedCertificate.Issued issued = SelfSignedCertificate.create(host, days);
                Path cert = SelfSignedCertificate.write(issued, List.of(), out);
                spec.commandLine().getOut().println("wrote " + cert + " and " + out.resolve("key.pem") + " for " + host
                        + ", valid " + days + " day(s)");
                return ExitCode.OK.code();
            } catch (IOException | IllegalStateException e) {
                spec.commandLine().getErr().println("turnctl cert self-signed: cannot write " + out + ": " + e.getMessage());
                return ExitCode.USAGE.code();
            }
        }
    }
}
