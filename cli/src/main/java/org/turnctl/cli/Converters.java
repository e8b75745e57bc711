package org.turnctl.cli;

import ch.qos.logback.classic.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import org.turnctl.server.policy.Cidr;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli type converters for turnctl's value syntaxes. picocli calls them for flags, environment
 * variables and config-file values alike; {@link Turnctl#describe} reports a failure as
 * {@code --option value: <message>}, so each message here says only what is wrong with the value.
 */
final class Converters {

    private Converters() {
    }

    /** A literal IP address; host names are never resolved at start-up (no DNS in the relay's path). */
    static final class IpAddress implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String text) {
            return ip(text);
        }
    }

    /** ADDR:PORT: {@code 0.0.0.0:3478}, {@code [::]:3478}, {@code [::1]:3478}. */
    static final class HostPort implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String text) {
            return hostPort(text);
        }
    }

    /**
     * HOST:PORT of an alternate server ({@code --alternate-server}): an address, or a name resolved
     * once, here (a TLS client is told the name in ALTERNATE-DOMAIN, for its certificate check).
     */
    static final class AlternateConverter implements ITypeConverter<org.turnctl.server.config.Shedding.Alternate> {
        @Override
        public org.turnctl.server.config.Shedding.Alternate convert(String text) {
            String s = text.strip();
            int colon = s.lastIndexOf(':');
            String host = colon > 0 ? s.substring(0, colon) : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new TypeConversionException("put IPv6 addresses in brackets, e.g. [2001:db8::1]:3478");
            }
            if (host.isEmpty()) {
                throw new TypeConversionException("expected HOST:PORT, e.g. turn2.example.org:3478");
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("bad port");
            }
            if (port < 1 || port > 65535) {
                throw new TypeConversionException("port out of range");
            }
            try {
                return new org.turnctl.server.config.Shedding.Alternate(host, new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (UnknownHostException e) {
                throw new TypeConversionException("cannot resolve " + host);
            }
        }
    }

    /** ADDR:PORT, or {@code off} (null) to disable what listens there. */
    static final class HostPortOrOff implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String text) {
            return text.strip().equalsIgnoreCase("off") ? null : hostPort(text);
        }
    }

    /** ADDRESS/LENGTH, IPv4 or IPv6. */
    static final class CidrConverter implements ITypeConverter<Cidr> {
        @Override
        public Cidr convert(String text) {
            try {
                return Cidr.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * One number and a unit: {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 10m}, {@code 24h},
     * {@code 7d}, or a bare number of seconds. Every DURATION option reads this one way.
     */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final java.util.regex.Pattern FORM =
                java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

        @Override
        public Duration convert(String text) {
            java.util.regex.Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("expected a duration such as 500ms, 5s, 10m, 24h or 7d");
            }
            double millisPerUnit = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> 1;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                case "d" -> 86_400_000;
                default -> 1000;
            };
            double millis = Double.parseDouble(m.group(1)) * millisPerUnit;
            if (millis > Long.MAX_VALUE / 2) {
                throw new TypeConversionException("a duration too long to mean anything: " + text);
            }
            return Duration.ofMillis(Math.round(millis));
        }
    }

    /** PUBLIC[/PRIVATE]: the public address of a relay address behind 1:1 NAT. */
    static final class ExternalIpConverter implements ITypeConverter<ExternalIp> {
        @Override
        public ExternalIp convert(String text) {
            int slash = text.indexOf('/');
            InetAddress pub = ip(slash < 0 ? text : text.substring(0, slash));
            InetAddress priv;
            if (slash >= 0) {
                priv = ip(text.substring(slash + 1));
            } else {
                // Without /PRIVATE it maps the relay address of PUBLIC's family: keyed by that
                // family's wildcard address.
                priv = ip(pub instanceof Inet4Address ? "0.0.0.0" : "::");
            }
            return new ExternalIp(pub, priv);
        }
    }

    /** A public address and the relay address it stands for (a wildcard: the relay address of that family). */
    record ExternalIp(InetAddress publicIp, InetAddress relayIp) {
    }

    /** error, warn, info, debug or trace. */
    static final class LevelConverter implements ITypeConverter<Level> {
        @Override
        public Level convert(String text) {
            Level l = Level.toLevel(text.strip(), null);
            if (l == null) {
                throw new TypeConversionException("expected error, warn, info, debug or trace");
            }
            return l;
        }
    }

    static InetAddress ip(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!(s.contains(":") || s.matches("[0-9.]+"))) {
            throw new TypeConversionException("not an IP address (host names are not resolved)");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new TypeConversionException("not an IP address");
        }
    }

    static InetSocketAddress hostPort(String text) {
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || (s.contains("]") && colon < s.indexOf(']'))) {
            throw new TypeConversionException("expected ADDR:PORT, e.g. 0.0.0.0:3478 or [::]:3478");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new TypeConversionException("put IPv6 addresses in brackets, e.g. [::1]:3478");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("bad port");
        }
        if (port < 0 || port > 65535) {
            throw new TypeConversionException("port out of range");
        }
        return new InetSocketAddress(ip(host), port);
    }
}
