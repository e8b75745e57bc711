package org.turnctl.server.handler;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.turnctl.stun.TransactionId;

/**
 * Responses to recent authenticated requests, so that a retransmitted request (same
 * transaction id from the same client) gets the same response instead of being executed twice
 * (RFC 8489 section 6.3.1; RFC 8656 section 7.2 for Allocate). One per event loop, so no lock;
 * bounded in size and age (RFC 8489's Ti, 39.5 s, is the longest a client retransmits).
 */
public final class TransactionCache {
    static final long TTL_MILLIS = 40_000;
    private static final int MAX_ENTRIES = 8192;

    private record Key(InetSocketAddress client, TransactionId id) {
    }

    private record Entry(byte[] response, long storedAt) {
    }

    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** The cached response bytes, or null. */
    public byte[] get(InetSocketAddress client, TransactionId id, long now) {
        Entry e = entries.get(new Key(client, id));
        return e == null || now - e.storedAt > TTL_MILLIS ? null : e.response;
    }

    public void put(InetSocketAddress client, TransactionId id, byte[] response, long now) {
        entries.put(new Key(client, id), new Entry(response, now));
    }

    /** Drops entries older than the TTL; entries are in insertion order, so stop at the first young one. */
    public void sweep(long now) {
        var it = entries.values().iterator();
        while (it.hasNext()) {
            if (now - it.next().storedAt > TTL_MILLIS) {
                it.remove();
            } else {
                break;
            }
        }
    }

    public int size() {
        return entries.size();
    }
}
