package org.turnctl.server;

import io.netty.channel.EventLoop;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.config.TlsConfig;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.server.tls.CertificateStore;
import org.turnctl.server.tls.PemCredentials;

/**
 * Keeps the TLS certificate current and watched: loads it at start (a bad one stops the start),
 * reloads it on SIGHUP and when its files change on disk (checked every 10 s: ACME clients
 * replace them in place), keeps the old one when a new one is bad, exports its expiry, and warns
 * once a day when fewer than 14 days are left.
 */
final class CertificateTask {
    static final long WARN_DAYS = 14;
    /** How often the files are looked at (tests shorten it). */
    static final long CHECK_SECONDS = Long.getLong("turnctl.certificateCheckSeconds", 10);

    private final CertificateStore store;
    private final TimeSource time;
    private final Logger log;
    private ScheduledFuture<?> check;
    private long warnedOnDay = Long.MIN_VALUE;
    private String rejected;

    CertificateTask(CertificateStore store, TimeSource time, TurnMetrics metrics, Logger log) {
        this.store = store;
        this.time = time;
        this.log = log;
        metrics.certificateExpiry(() -> store.secondsLeft(now()));
    }

    /** The configured certificate, or null without TLS; a bad one is a start error. */
    static CertificateStore load(TlsConfig tls) throws TurnServer.StartException {
        if (!tls.enabled()) {
            return null;
        }
        try {
            return CertificateStore.load(tls.certFile(), tls.keyFile());
        } catch (PemCredentials.InvalidException e) {
            throw new TurnServer.StartException(e.getMessage(), null);
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(time.nowMillis());
    }

    void start(EventLoop loop) {
        log.atInfo().addKeyValue("event", "tls_certificate").addKeyValue("certificate", store.describe(now()))
                .log("tls certificate {} (engine {})", store.describe(now()), CertificateStore.engine().name().toLowerCase());
        warnIfExpiring();
        check = loop.scheduleAtFixedRate(this::checkFiles, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
    }

    void stop() {
        if (check != null) {
            check.cancel(false);
        }
    }

    /** Reloads now; returns one line for the reload summary and logs it. */
    synchronized String reload(String why) {
        try {
            store.reload();
            rejected = null;
            String line = "tls certificate reloaded (" + why + "): " + store.describe(now());
            log.atInfo().addKeyValue("event", "tls_certificate_reloaded").log(line);
            warnedOnDay = Long.MIN_VALUE;
            warnIfExpiring();
            return line;
        } catch (PemCredentials.InvalidException e) {
            String line = "tls certificate NOT reloaded (" + why + "), the old one stays: " + e.getMessage();
            log.atWarn().addKeyValue("event", "tls_certificate_rejected").log(line);
            return line;
        }
    }

    private synchronized void checkFiles() {
        if (store.filesChanged()) {
            String state = store.certFile() + "@" + fileTimes();
            if (!state.equals(rejected)) {
                // A bad pair is reported once, not every 10 s; a later change is tried again.
                String line = reload("files changed");
                rejected = line.contains("NOT reloaded") ? state : null;
            }
        }
        warnIfExpiring();
    }

    private String fileTimes() {
        try {
            return java.nio.file.Files.getLastModifiedTime(store.certFile()).toString();
        } catch (java.io.IOException e) {
            return "missing";
        }
    }

    private void warnIfExpiring() {
        long secondsLeft = store.secondsLeft(now());
        long today = Math.floorDiv(time.nowMillis(), 86_400_000L);
        if (secondsLeft < WARN_DAYS * 86_400 && warnedOnDay != today) {
            warnedOnDay = today;
            log.atWarn().addKeyValue("event", "tls_certificate_expiring").addKeyValue("secondsLeft", secondsLeft)
                    .log("tls certificate {}: renew it", store.describe(now()));
        }
    }
}
