package org.turnctl.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.turnctl.probe.report.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code turnctl health}: /healthz and /readyz of a running server, so images and scripts need no curl. */
@Command(name = "health", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Check a running turnctl serve: GET /healthz and /readyz.",
            "Exit 0 when both answer 200, 1 otherwise (2 for a bad --url)."})
final class HealthCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:9641", description = "The metrics endpoint (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--timeout", defaultValue = "3", paramLabel = "SECONDS", description = "Per request (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url : url + "/");
            if (!"http".equals(base.getScheme()) || base.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("turnctl health: --url " + url + ": expected http://HOST:PORT");
            return ExitCode.USAGE.code();
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds)).build();
        StringBuilder line = new StringBuilder();
        boolean ok = true;
        for (String path : new String[] {"healthz", "readyz"}) {
            int status;
            try {
                status = client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(timeoutSeconds))
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = -1;
            }
            ok &= status == 200;
            line.append(line.length() == 0 ? "" : ", ").append('/').append(path).append(' ')
                    .append(status < 0 ? "unreachable" : String.valueOf(status));
        }
        (ok ? spec.commandLine().getOut() : spec.commandLine().getErr()).println((ok ? "healthy: " : "unhealthy: ") + line);
        return ok ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
    }
}
