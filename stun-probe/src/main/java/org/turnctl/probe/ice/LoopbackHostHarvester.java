package org.turnctl.probe.ice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import org.ice4j.Transport;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * A UDP host candidate on one loopback address, for a TURN server on this machine: ice4j's own
 * host harvester skips loopback interfaces. This does what that harvester does, for one socket.
 */
public final class LoopbackHostHarvester implements CandidateHarvester {
    private final InetAddress address;
    private final HarvestStatistics statistics = new HarvestStatistics();

    public LoopbackHostHarvester(InetAddress address) {
        this.address = address;
    }

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        try {
            IceSocketWrapper socket = new IceUdpSocketWrapper(new MultiplexingDatagramSocket(0, address));
            HostCandidate candidate = new HostCandidate(socket, component, Transport.UDP);
            component.addLocalCandidate(candidate);
            candidate.getStunStack().addSocket(candidate.getStunSocket(null));
            if (component.getComponentSocket() != null) {
                component.getComponentSocket().add(socket);
            }
            return List.of(candidate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public HarvestStatistics getHarvestStatistics() {
        return statistics;
    }

    @Override
    public boolean isHostHarvester() {
        return true;
    }
}
