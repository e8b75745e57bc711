package org.turnctl.server;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIGHUP: swaps in users, users file, auth secrets and peer policy; deletes allocations of users
 * that are gone (or whose key changed) and permissions to peers that became denied, each on its
 * own event loop; keeps everything else. Listener, relay and port settings need a restart and are
 * reported so.
 */
final class Reload {

    private Reload() {
    }

    /** Applies {@code next}; returns one line saying what changed. */
    static String apply(ServerContext context, EventLoopGroup group, ServerConfig next) {
        ServerConfig old = context.config();
        java.util.Set<String> removedUsers = new java.util.HashSet<>(old.userKeys().keySet());
        removedUsers.removeAll(next.userKeys().keySet());
        java.util.Set<String> addedUsers = new java.util.HashSet<>(next.userKeys().keySet());
        addedUsers.removeAll(old.userKeys().keySet());
        java.util.Set<String> changedUsers = new java.util.HashSet<>();
        for (var e : next.userKeys().entrySet()) {
            byte[] before = old.userKeys().get(e.getKey());
            if (before != null && !java.util.Arrays.equals(before, e.getValue())) {
                changedUsers.add(e.getKey());
            }
        }
        org.turnctl.server.policy.PeerPolicy policy = org.turnctl.server.policy.PeerPolicy.of(next.allowPeers(),
                next.denyPeers(), next.allowLoopbackPeers());
        context.reload(next, policy);
        boolean secretsChanged = !old.authSecrets().equals(next.authSecrets());
        java.util.Set<String> gone = new java.util.HashSet<>(removedUsers);
        gone.addAll(changedUsers);
        int deleted = 0;
        int revoked = 0;
        List<Future<int[]>> done = new ArrayList<>();
        for (EventExecutor executor : group) {
            LoopState state = context.loop((EventLoop) executor);
            done.add(executor.submit(() -> state.enforce(a -> gone.contains(a.username()),
                    ip -> !policy.isAllowed(ip))));
        }
        for (Future<int[]> f : done) {
            f.awaitUninterruptibly(5, TimeUnit.SECONDS);
            int[] r = f.getNow();
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
                + ", peer policy: " + policy.summary() + "; deleted " + deleted + " allocation(s) of removed or changed users, revoked "
                + revoked + " permission(s) to denied peers"
                + (restart.isEmpty() ? "" : "; needs a restart to change " + String.join(", ", restart));
        ServerContext.LOG.atInfo().addKeyValue("event", "reloaded").addKeyValue("usersAdded", addedUsers.size())
                .addKeyValue("usersRemoved", removedUsers.size()).addKeyValue("allocationsDeleted", deleted)
                .addKeyValue("permissionsRevoked", revoked).log(summary);
        return summary;
    }

}
