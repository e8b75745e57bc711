package org.turnctl.cli;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a coturn {@code turnserver.conf} into a turnctl config file's {@code [serve]}
 * section: what maps, as lines; what does not, as notes with the reason; and whether something
 * essential (an authentication backend) was lost.
 */
final class CoturnImport {
    /** coturn options whose loss changes who can log in: the import fails (exit 1) when one is set. */
    private static final Set<String> ESSENTIAL = Set.of("userdb", "psql-userdb", "mysql-userdb", "mongo-userdb", "redis-userdb",
            "oauth", "server-name-oauth");
    /** coturn options turnctl covers without a line (its behaviour is the default). */
    private static final Map<String, String> DEFAULTS = Map.of(
            "lt-cred-mech", "long-term credentials are turnctl's default",
            "fingerprint", "turnctl answers FINGERPRINT whenever the request had one",
            "use-auth-secret", "implied by auth-secret",
            "no-cli", "turnctl has no telnet CLI (see turnctl sessions)",
            "no-loopback-peers", "loopback peers are refused by default",
            "no-multicast-peers", "multicast peers are refused by default",
            "no-rfc5780", "turnctl answers RFC 5780 behaviour discovery only with --alt-listen",
            "syslog", "turnctl logs to stdout (journald under systemd); --log-format json for collectors");

    record Result(List<String> lines, List<String> notes, boolean essentialLost) {
    }

    static Result translate(List<String> conf) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (String raw : conf) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = (eq < 0 ? line : line.substring(0, eq)).strip().replaceFirst("^--", "");
            String value = eq < 0 ? "" : unquote(line.substring(eq + 1).strip());
            options.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        List<String> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean essential = false;
        String port = first(options, "listening-port", first(options, "port", "3478"));
        String tlsPort = first(options, "tls-listening-port", "5349");
        boolean noTls = options.containsKey("no-tls");
        boolean hasCert = options.containsKey("cert") && !noTls;
        List<String> ips = options.getOrDefault("listening-ip", List.of());
        for (String ip : ips.isEmpty() ? List.of("::") : ips) {
            out.add("listen = " + hostPort(ip, port));
            if (hasCert) {
                out.add("tls-listen = " + hostPort(ip, tlsPort));
            }
        }
        for (var e : options.entrySet()) {
            String key = e.getKey();
            for (String v : e.getValue()) {
                switch (key) {
                    case "listening-port", "port", "listening-ip", "tls-listening-port" -> {
                        // above
                    }
                    case "relay-ip" -> out.add("relay-ip = " + v);
                    case "external-ip" -> out.add("external-ip = " + v);
                    case "min-port" -> out.add("min-port = " + v);
                    case "max-port" -> out.add("max-port = " + v);
                    case "realm" -> out.add("realm = " + v);
                    case "user" -> {
                        int colon = v.indexOf(':');
                        if (colon > 0 && v.substring(colon + 1).startsWith("0x")) {
                            notes.add("user=" + v.substring(0, colon) + ":0x...: a key, not a password; put the line in a "
                                    + "users file and give users-file = FILE (coturn's name:0x<key> format works there)");
                        } else {
                            out.add("user = " + v);
                        }
                    }
                    case "static-auth-secret" -> out.add("auth-secret = " + v);
                    case "allowed-peer-ip", "denied-peer-ip" -> {
                        try {
                            String as = key.equals("allowed-peer-ip") ? "allow-peer = " : "deny-peer = ";
                            cidrs(v).forEach(c -> out.add(as + c));
                        } catch (IllegalArgumentException bad) {
                            notes.add(key + "=" + v + ": " + bad.getMessage() + ", left out");
                        }
                    }
                    case "user-quota" -> out.add("user-quota = " + v);
                    case "total-quota" -> out.add("total-quota = " + v);
                    case "max-allocate-lifetime" -> out.add("max-lifetime = " + v);
                    case "cert" -> {
                        if (!noTls) {
                            out.add("cert = " + v);
                        }
                    }
                    case "pkey" -> {
                        if (!noTls) {
                            out.add("key = " + v);
                        }
                    }
                    case "no-tls" -> notes.add("no-tls: TLS left out (cert and pkey not carried over)");
                    case "no-dtls" -> out.add("no-dtls = true");
                    case "alternate-server" -> out.add("alternate-server = " + v);
                    case "prometheus" -> out.add("metrics-listen = 0.0.0.0:" + first(options, "prometheus-port", "9641"));
                    case "prometheus-port" -> {
                        // with prometheus
                    }
                    case "allow-loopback-peers" -> out.add("allow-loopback-peers = true");
                    default -> {
                        if (ESSENTIAL.contains(key)) {
                            essential = true;
                            notes.add(key + ": an authentication backend turnctl does not have; its users cannot log in "
                                    + "(export them to a users file, or move the application to TURN REST credentials)");
                        } else if (DEFAULTS.containsKey(key)) {
                            // covered by turnctl's behaviour
                        } else {
                            notes.add(key + (v.isEmpty() ? "" : "=" + v) + ": no turnctl equivalent, left out");
                        }
                    }
                }
            }
        }
        return new Result(out, notes, essential);
    }

    private static String first(Map<String, List<String>> options, String key, String otherwise) {
        List<String> v = options.get(key);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? otherwise : v.get(0);
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static String hostPort(String ip, String port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    /** coturn's peer ranges: an address, or FIRST-LAST; as the fewest CIDR blocks that cover exactly that range. */
    static List<String> cidrs(String range) {
        String[] ends = range.split("-");
        try {
            InetAddress lo = InetAddress.getByName(ends[0].strip());
            InetAddress hi = ends.length > 1 ? InetAddress.getByName(ends[1].strip()) : lo;
            int bits = lo.getAddress().length * 8;
            if (hi.getAddress().length * 8 != bits) {
                throw new IllegalArgumentException("mixed families");
            }
            BigInteger start = new BigInteger(1, lo.getAddress());
            BigInteger end = new BigInteger(1, hi.getAddress());
            List<String> out = new ArrayList<>();
            while (start.compareTo(end) <= 0) {
                int size = start.equals(BigInteger.ZERO) ? bits : start.getLowestSetBit();
                size = Math.min(size, bits);
                while (size > 0 && start.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(end) > 0) {
                    size--;
                }
                out.add(address(start, bits) + "/" + (bits - size));
                start = start.add(BigInteger.ONE.shiftLeft(size));
            }
            return out;
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an address range: " + range);
        }
    }

    private static String address(BigInteger v, int bits) throws UnknownHostException {
        byte[] raw = v.toByteArray();
        byte[] a = new byte[bits / 8];
        int copy = Math.min(raw.length, a.length);
        System.arraycopy(raw, raw.length - copy, a, a.length - copy, copy);
        return io.netty.util.NetUtil.toAddressString(InetAddress.getByAddress(a));
    }
}
