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

/** The options and the HTTP calls `turnctl sessions` and `turnctl drain` share: where the admin API is, and its token. */
final class AdminClient {
    @Option(names = "--admin-url", defaultValue = "http://127.0.0.1:9641", paramLabel = "URL",
            description = "The server's metrics listener, where the admin API is (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--admin-token-file", required = true, paramLabel = "FILE",
            description = "The file with the token `serve --admin-token-file` was given.")
    Path tokenFile;

    /** An answer: status and body. Unreachable servers throw {@link ConnectException}. */
    record Answer(int status, String body) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Answer call(String method, String path) throws IOException, InterruptedException {
        String token = SecretFile.first(tokenFile);
        if (token == null) {
            throw new IOException("--admin-token-file " + tokenFile + " is empty");
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
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
