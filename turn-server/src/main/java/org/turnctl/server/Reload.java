package org.turnctl.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.turnctl.server.allocation.LoopAllocations;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.Settings;

/**
 * SIGHUP: swaps in users, users file, auth secrets and peer policy as one new {@link Settings}
 * snapshot (one atomic write: a request sees all old or all new); then deletes allocations of
 * users that are gone (or whose key changed) and permissions to peers that became denied, each on
 * its own event loop; keeps everything else. Listener, relay and port settings need a restart and
 * are reported so.
 */
final class Reload {

    private Reload() {
    }

    /**
     * Applies {@code next}; returns one line saying what changed. {@code onEveryLoop} runs a task
     * with each event loop's allocations on that loop and collects the results.
     */
    static String apply(AtomicReference<Settings> settings, ServerConfig next,
            Function<Function<LoopAllocations, int[]>, List<int[]>> onEveryLoop) {
        Settings nextSettings = Settings.of(next);
        ServerConfig old = settings.getAndSet(nextSettings).config();
        Set<String> removedUsers = new HashSet<>(old.userKeys().keySet());
        removedUsers.removeAll(next.userKeys().keySet());
        Set<String> addedUsers = new HashSet<>(next.userKeys().keySet());
        addedUsers.removeAll(old.userKeys().keySet());
        Set<String> changedUsers = new HashSet<>();
        for (var e : next.userKeys().entrySet()) {
            byte[] before = old.userKeys().get(e.getKey());
            if (before != null && !Arrays.equals(before, e.getValue())) {
                changedUsers.add(e.getKey());
            }
        }
        boolean secretsChanged = !old.authSecrets().equals(next.authSecrets());
        Set<String> gone = new HashSet<>(removedUsers);
        gone.addAll(changedUsers);
        int deleted = 0;
        int revoked = 0;
        for (int[] r : onEveryLoop.apply(loop -> loop.enforce(a -> gone.contains(a.username()),
                ip -> !nextSettings.policy().isAllowed(ip)))) {
            if (r != null) {
                deleted += r[0];
                revoked += r[1];
            }
        }
        List<String> restart = new ArrayList<>();
        if (!old.listen().equals(next.listen())) {
            restart.add("listen");
        }
        if (!old.relayIps().equals(next.relayIps())) {
            restart.add("relay-ip");
        }
        if (old.minPort() != next.minPort() || old.maxPort() != next.maxPort()) {
            restart.add("min-port/max-port");
        }
        String summary = "reload: users +" + addedUsers.size() + " -" + removedUsers.size() + " ~" + changedUsers.size()
                + ", auth secrets " + (secretsChanged ? "changed (" + next.authSecrets().size() + ")" : "unchanged")
                + ", peer policy: " + nextSettings.policy().summary() + "; deleted " + deleted
                + " allocation(s) of removed or changed users, revoked " + revoked + " permission(s) to denied peers"
                + (old.limits().equals(next.limits()) ? "" : "; limits now " + next.limits())
                + (restart.isEmpty() ? "" : "; needs a restart to change " + String.join(", ", restart));
        TurnServer.LOG.atInfo().addKeyValue("event", "reloaded").addKeyValue("usersAdded", addedUsers.size())
                .addKeyValue("usersRemoved", removedUsers.size()).addKeyValue("allocationsDeleted", deleted)
                .addKeyValue("permissionsRevoked", revoked).log(summary);
        return summary;
    }
}
