package org.turnctl.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options and the HTTP calls `turnctl sessions` and `turnctl drain` share: where the admin API
 * is, and its token. On the relay's own host both come from the server's config file, so
 * `turnctl sessions list` needs no options there.
 */
final class AdminClient {
    static final String DEFAULT_URL = "http://127.0.0.1:9641";

    @Option(names = "--admin-url", paramLabel = "URL",
            description = "The server's metrics listener, where the admin API is (default: metrics-listen from the config "
                    + "file's [serve] section, else " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "The file with the token `serve --admin-token-file` was given (default: admin-token-file from the "
                    + "config file's [serve] section).")
    Path tokenFile;

    @Option(names = ConfigOption.NAME, paramLabel = "FILE",
            description = "The server's config file, read for the two defaults above (default /etc/turnctl/turnctl.conf when it exists).")
    Path config;

    /** An answer: status and body. Unreachable servers throw {@link ConnectException}. */
    record Answer(int status, String body) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Answer call(String method, String path) throws IOException, InterruptedException {
        resolveFromConfig();
        String token = SecretFile.first(tokenFile);
        if (token == null) {
            throw new IOException("--admin-token-file " + tokenFile + " is empty");
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    /** Fills what the options and the environment left open from the server's config file, as the server reads it. */
    private void resolveFromConfig() throws IOException {
        if (url != null && tokenFile != null) {
            return;
        }
        Path file = config != null ? config : Files.isRegularFile(ConfigFile.DEFAULT) ? ConfigFile.DEFAULT : null;
        ConfigFile serve;
        try {
            serve = file == null ? ConfigFile.empty() : ConfigFile.load(file, Turnctl.knownOptions());
        } catch (ConfigFile.ParseException e) {
            throw new IOException("--config " + e.getMessage());
        }
        if (tokenFile == null) {
            List<String> v = serve.values("serve", "admin-token-file");
            if (v == null || v.isEmpty()) {
                throw new IOException("--admin-token-file is needed: no admin-token-file in the [serve] section of "
                        + (file == null ? ConfigFile.DEFAULT + " (there is no such file)" : file));
            }
            tokenFile = Path.of(v.get(v.size() - 1));
        }
        if (url == null) {
            List<String> v = serve.values("serve", "metrics-listen");
            url = v == null || v.isEmpty() || v.get(v.size() - 1).equals("off") ? DEFAULT_URL : urlOf(v.get(v.size() - 1));
        }
    }

    /** metrics-listen as a URL to call: a wildcard address is reached on loopback. */
    static String urlOf(String listen) {
        String hostPort = listen.strip();
        if (hostPort.startsWith("0.0.0.0:")) {
            hostPort = "127.0.0.1:" + hostPort.substring("0.0.0.0:".length());
        } else if (hostPort.startsWith("[::]:")) {
            hostPort = "[::1]:" + hostPort.substring("[::]:".length());
        }
        return "http://" + hostPort;
    }

    /** A JSON array of flat objects (nested arrays as lists, nested objects as maps). */
    static List<Map<String, Object>> objects(String json) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                out.add(object(p));
            }
        }
        return out;
    }

    private static Map<String, Object> object(JsonParser p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            m.put(name, value(p, p.nextToken()));
        }
        return m;
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken e; (e = p.nextToken()) != JsonToken.END_ARRAY; ) {
                    list.add(value(p, e));
                }
                yield list;
            }
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
            case VALUE_NULL -> null;
            default -> p.getText();
        };
    }
}
