package org.turnctl.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.turnctl.cli.ProbeCommand.UsageException;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.report.ExitCode;
import org.turnctl.stun.codec.RestCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code turnctl credentials}: mints TURN REST credentials (the same code the probe's --secret
 * uses) for an application backend or a test: the {@code iceServers} JSON a browser takes, or
 * shell variables.
 */
@Command(name = "credentials", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Mint TURN REST credentials (username <expiry>:<user>, password base64(HMAC-SHA1(secret, username))) "
                + "that `turnctl serve --auth-secret` (and coturn's use-auth-secret) accept.",
            "Prints the iceServers JSON an application hands to a browser, or with --format env shell variables."})
final class CredentialsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--secret-file", required = true, paramLabel = "FILE",
            description = "The shared secret: the first line that is not blank or a # comment (as serve --auth-secret-file).")
    Path secretFile;

    @Option(names = "--user", required = true, paramLabel = "NAME", description = "Who the credential is for.")
    String user;

    @Option(names = "--ttl", defaultValue = "24h", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "How long it is valid: 90s, 30m, 24h, 7d (default ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--uri", paramLabel = "URI", description = "A turn:/turns: URI for the iceServers entry (repeatable).")
    List<String> uris = new ArrayList<>();

    @Option(names = "--format", defaultValue = "json", paramLabel = "json|env", description = "Output (default ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        try {
            if (ttl.toSeconds() < 1) {
                throw new UsageException("--ttl: at least 1 second");
            }
            Duration valid = ttl;
            for (String u : uris) {
                IceServerUri.parse(u); // a typo is caught here, not in a browser
            }
            String secret = secret();
            long expiry = System.currentTimeMillis() / 1000 + valid.toSeconds();
            String username = RestCredentials.username(expiry, user);
            String password = RestCredentials.password(secret.getBytes(StandardCharsets.UTF_8), username);
            String out = switch (format) {
                case "json" -> json(username, password);
                case "env" -> "TURN_USERNAME=" + quote(username) + "\nTURN_CREDENTIAL=" + quote(password)
                        + "\nTURN_URLS=" + quote(String.join(" ", uris)) + "\n";
                default -> throw new UsageException("--format " + format + ": expected json or env");
            };
            spec.commandLine().getOut().print(out);
            spec.commandLine().getOut().flush();
            return ExitCode.OK.code();
        } catch (UsageException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("turnctl credentials: " + e.getMessage());
            return ExitCode.USAGE.code();
        } catch (IOException e) {
            spec.commandLine().getErr().println("turnctl credentials: --secret-file " + secretFile + ": cannot read ("
                    + e.getClass().getSimpleName() + ")");
            return ExitCode.USAGE.code();
        }
    }

    private String secret() throws IOException, UsageException {
        String secret = SecretFile.first(secretFile);
        if (secret != null) {
            return secret;
        }
        throw new UsageException("--secret-file " + secretFile + ": no secret in it");
    }

    private String json(String username, String password) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeArrayFieldStart("iceServers");
            g.writeStartObject();
            g.writeArrayFieldStart("urls");
            for (String u : uris) {
                g.writeString(u);
            }
            g.writeEndArray();
            g.writeStringField("username", username);
            g.writeStringField("credential", password);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        return w + System.lineSeparator();
    }

    /** Single-quoted for a POSIX shell. */
    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
