package org.turnctl.server.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.turnctl.server.allocation.AllocationView;
import org.turnctl.server.metrics.MetricsServer;

/**
 * The admin API on the metrics listener ({@code --admin-token-file}): every request needs
 * {@code Authorization: Bearer <token>}, compared in constant time, or gets 401.
 * <ul>
 * <li>{@code GET /admin/allocations[?user=U][&client=IP]}: a JSON array of allocations;</li>
 * <li>{@code DELETE /admin/allocations/{id}}, {@code DELETE /admin/allocations?user=U}: end them now;</li>
 * <li>{@code POST /admin/drain}: start a drain;</li>
 * <li>{@code GET /admin/status}: draining, allocations, uptime, version, settings.</li>
 * </ul>
 */
public final class AdminHandler implements HttpHandler {
    private final byte[] token;
    private final AdminApi api;

    public AdminHandler(String token, AdminApi api) {
        this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.api = api;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(token, auth.getBytes(StandardCharsets.UTF_8))) {
                reply(ex, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            route(ex);
        } catch (RuntimeException e) {
            reply(ex, 500, json(g -> {
                g.writeStartObject();
                g.writeStringField("error", e.getClass().getSimpleName());
                g.writeEndObject();
            }));
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        if (path.equals("/admin/allocations") && method.equals("GET")) {
            List<AllocationView> views = api.allocations().stream().filter(filter(query)).toList();
            reply(ex, 200, json(g -> {
                g.writeStartArray();
                for (AllocationView v : views) {
                    write(g, v);
                }
                g.writeEndArray();
            }));
        } else if (path.startsWith("/admin/allocations") && method.equals("DELETE")) {
            String rest = path.substring("/admin/allocations".length());
            Predicate<AllocationView> which;
            if (rest.startsWith("/") && rest.length() > 1) {
                long id;
                try {
                    id = Long.parseLong(rest.substring(1));
                } catch (NumberFormatException e) {
                    reply(ex, 400, "{\"error\":\"not an allocation id\"}");
                    return;
                }
                which = v -> v.id() == id;
            } else if (query.containsKey("user")) {
                which = v -> v.user().equals(query.get("user"));
            } else {
                reply(ex, 400, "{\"error\":\"name an allocation id or ?user=\"}");
                return;
            }
            int n = api.end(which);
            reply(ex, n == 0 ? 404 : 200, "{\"deleted\":" + n + "}");
        } else if (path.equals("/admin/drain") && method.equals("POST")) {
            boolean started = api.drain();
            reply(ex, 202, "{\"draining\":true,\"started\":" + started + "}");
        } else if (path.equals("/admin/status") && method.equals("GET")) {
            Map<String, Object> status = api.status();
            reply(ex, 200, json(g -> {
                g.writeStartObject();
                for (var e : status.entrySet()) {
                    g.writeFieldName(e.getKey());
                    if (e.getValue() instanceof Number n) {
                        g.writeNumber(n.longValue());
                    } else if (e.getValue() instanceof Boolean b) {
                        g.writeBoolean(b);
                    } else {
                        g.writeString(String.valueOf(e.getValue()));
                    }
                }
                g.writeEndObject();
            }));
        } else {
            reply(ex, 404, "{\"error\":\"no such endpoint\"}");
        }
    }

    private static Predicate<AllocationView> filter(Map<String, String> query) {
        String user = query.get("user");
        String client = query.get("client");
        return v -> (user == null || v.user().equals(user))
                && (client == null || NetUtil.toAddressString(v.client().getAddress()).equals(client)
                        || v.client().getAddress().getHostAddress().equals(client));
    }

    private static void write(JsonGenerator g, AllocationView v) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", v.id());
        g.writeStringField("user", v.user());
        g.writeStringField("transport", v.transport());
        g.writeStringField("client", address(v.client()));
        g.writeStringField("server", address(v.server()));
        g.writeArrayFieldStart("relayed");
        for (InetSocketAddress r : v.relayed()) {
            g.writeString(address(r));
        }
        g.writeEndArray();
        g.writeNumberField("ageSeconds", v.ageSeconds());
        g.writeNumberField("lifetimeLeftSeconds", v.lifetimeLeft());
        g.writeArrayFieldStart("permissions");
        for (InetAddress p : v.permissions()) {
            g.writeString(NetUtil.toAddressString(p));
        }
        g.writeEndArray();
        g.writeObjectFieldStart("channels");
        for (var c : v.channels().entrySet()) {
            g.writeStringField(String.format("0x%04x", c.getKey()), address(c.getValue()));
        }
        g.writeEndObject();
        g.writeNumberField("packetsToPeer", v.packetsToPeer());
        g.writeNumberField("bytesToPeer", v.bytesToPeer());
        g.writeNumberField("packetsToClient", v.packetsToClient());
        g.writeNumberField("bytesToClient", v.bytesToClient());
        g.writeEndObject();
    }

    private static String address(InetSocketAddress a) {
        return NetUtil.toSocketAddressString(a);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    @FunctionalInterface
    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(Writer body) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            body.write(g);
        }
        return w.toString();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        MetricsServer.reply(ex, status, body, "application/json");
    }
}
