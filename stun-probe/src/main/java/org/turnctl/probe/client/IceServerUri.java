package org.turnctl.probe.client;

import java.net.URI;
import java.util.Locale;

/**
 * An ICE server URI as WebRTC apps write them (RFC 7064 stun:/stuns:, RFC 7065 turn:/turns:):
 * {@code turn:host[:port][?transport=udp|tcp]}. No transport means UDP; the default port is 3478
 * (5349 for the secure schemes).
 */
public record IceServerUri(String scheme, String host, int port, Transport transport, String text) {

    /** The transport to the server. */
    public enum Transport {
        UDP, TCP;

        public String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean isTurn() {
        return scheme.startsWith("turn");
    }

    public boolean isSecure() {
        return scheme.endsWith("s");
    }

    /** Parses or throws IllegalArgumentException with a message fit for one CLI line. */
    public static IceServerUri parse(String text) {
        String s = text.strip();
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not an ICE server URI (expected stun:host[:port] or "
                    + "turn:host[:port][?transport=udp|tcp])");
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("stun") && !scheme.equals("stuns") && !scheme.equals("turn") && !scheme.equals("turns")) {
            throw new IllegalArgumentException("'" + text + "': unknown scheme '" + scheme + "' (stun, stuns, turn, turns)");
        }
        String rest = s.substring(colon + 1);
        if (rest.startsWith("//")) {
            throw new IllegalArgumentException("'" + text + "': ICE URIs have no '//' (write " + scheme + ":host:port)");
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        Transport transport = Transport.UDP;
        if (query != null) {
            if (scheme.startsWith("stun")) {
                throw new IllegalArgumentException("'" + text + "': stun: URIs take no query (RFC 7064)");
            }
            if (!query.toLowerCase(Locale.ROOT).startsWith("transport=")) {
                throw new IllegalArgumentException("'" + text + "': the only query is ?transport=udp|tcp");
            }
            String t = query.substring("transport=".length()).toLowerCase(Locale.ROOT);
            transport = switch (t) {
                case "udp" -> Transport.UDP;
                case "tcp" -> Transport.TCP;
                default -> throw new IllegalArgumentException("'" + text + "': unknown transport '" + t + "' (udp or tcp)");
            };
        }
        boolean secure = scheme.endsWith("s");
        if (secure && query == null) {
            transport = Transport.TCP;
        }
        String host;
        int port = secure ? 5349 : 3478;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': unclosed '[' in IPv6 address");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("'" + text + "': expected ':port' after ']'");
                }
                port = port(after.substring(1), text);
            }
        } else {
            int c = rest.lastIndexOf(':');
            if (c >= 0) {
                if (rest.indexOf(':') != c) {
                    throw new IllegalArgumentException("'" + text + "': put IPv6 addresses in brackets, e.g. turn:[::1]:3478");
                }
                host = rest.substring(0, c);
                port = port(rest.substring(c + 1), text);
            } else {
                host = rest;
            }
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.\\-:%]+")) {
            throw new IllegalArgumentException("'" + text + "': missing or invalid host");
        }
        // Round-trip through java.net.URI to reject anything it would not accept as a host.
        try {
            new URI("x", null, host.contains(":") ? "[" + host + "]" : host, port, null, null, null);
        } catch (Exception e) {
            throw new IllegalArgumentException("'" + text + "': invalid host");
        }
        return new IceServerUri(scheme, host, port, transport, s);
    }

    private static int port(String p, String text) {
        try {
            int port = Integer.parseInt(p);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': bad port '" + p + "'");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
