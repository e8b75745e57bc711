package org.turnctl.stun.address;

import java.util.Arrays;

/**
 * The ways an IPv6 address can carry an IPv4 one. A peer policy written for IPv4 prefixes must
 * see through every one of them, or "::ffff:169.254.169.254" walks past a rule for
 * 169.254.0.0/16; a policy audit must try every one of them. Both read this one list.
 */
public enum Ipv4Embedding {
    /** ::ffff:a.b.c.d, IPv4-mapped (RFC 4291 section 2.5.5.2). */
    MAPPED("IPv4-mapped"),
    /** ::a.b.c.d, IPv4-compatible, deprecated (RFC 4291 section 2.5.5.1). */
    COMPATIBLE("IPv4-compatible"),
    /** ::ffff:0:a.b.c.d, IPv4-translated (RFC 2765 section 2.1). */
    TRANSLATED("IPv4-translated"),
    /** 2002:AABB:CCDD::/48, 6to4 (RFC 3056 section 2). */
    SIX_TO_FOUR("6to4"),
    /** 64:ff9b::a.b.c.d, the NAT64 well-known prefix (RFC 6052 section 2.1). */
    NAT64("NAT64");

    private final String label;

    Ipv4Embedding(String label) {
        this.label = label;
    }

    /** The form's name in words, for reports. */
    public String label() {
        return label;
    }

    /** The 16-byte IPv6 address that carries the 4-byte {@code ipv4} in this form. */
    public byte[] embed(byte[] ipv4) {
        if (ipv4.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ipv4.length + " bytes");
        }
        byte[] a = new byte[16];
        switch (this) {
            case MAPPED -> {
                a[10] = (byte) 0xFF;
                a[11] = (byte) 0xFF;
                System.arraycopy(ipv4, 0, a, 12, 4);
            }
            case COMPATIBLE -> System.arraycopy(ipv4, 0, a, 12, 4);
            case TRANSLATED -> {
                a[8] = (byte) 0xFF;
                a[9] = (byte) 0xFF;
                System.arraycopy(ipv4, 0, a, 12, 4);
            }
            case SIX_TO_FOUR -> {
                a[0] = 0x20;
                a[1] = 0x02;
                System.arraycopy(ipv4, 0, a, 2, 4);
                a[15] = 1; // a host on that site's first subnet
            }
            case NAT64 -> {
                a[1] = 0x64;
                a[2] = (byte) 0xFF;
                a[3] = (byte) 0x9B;
                System.arraycopy(ipv4, 0, a, 12, 4);
            }
            default -> throw new AssertionError(this);
        }
        return a;
    }

    /**
     * The IPv4 address a 16-byte address carries in any of these forms, or null (also for 4-byte
     * input). :: and ::1 are not IPv4-compatible addresses (RFC 4291 section 2.5.5.1).
     */
    public static byte[] extract(byte[] a) {
        if (a.length != 16) {
            return null;
        }
        if (zero(a, 0, 10) && (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF) {
            return Arrays.copyOfRange(a, 12, 16); // mapped
        }
        if (zero(a, 0, 12)) {
            boolean unspecifiedOrLoopback = a[12] == 0 && a[13] == 0 && a[14] == 0 && (a[15] == 0 || a[15] == 1);
            return unspecifiedOrLoopback ? null : Arrays.copyOfRange(a, 12, 16); // compatible
        }
        if (zero(a, 0, 8) && (a[8] & 0xFF) == 0xFF && (a[9] & 0xFF) == 0xFF && a[10] == 0 && a[11] == 0) {
            return Arrays.copyOfRange(a, 12, 16); // translated
        }
        if (a[0] == 0x20 && a[1] == 0x02) {
            return Arrays.copyOfRange(a, 2, 6); // 6to4
        }
        if (a[0] == 0 && a[1] == 0x64 && (a[2] & 0xFF) == 0xFF && (a[3] & 0xFF) == 0x9B && zero(a, 4, 12)) {
            return Arrays.copyOfRange(a, 12, 16); // NAT64
        }
        return null;
    }

    private static boolean zero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
