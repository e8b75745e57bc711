package org.turnctl.probe.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TurnClient;

/** The server being probed, resolved, and how to reach it. */
public record Target(IceServerUri uri, InetSocketAddress address, ProbeOptions options) {

    public StunClient open() throws IOException {
        return StunClient.open(address, uri.transport(), options.timeoutMs());
    }

    public TurnClient turnClient() throws IOException {
        return new TurnClient(open(), options.username(), options.password());
    }
}
