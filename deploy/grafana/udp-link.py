#!/usr/bin/env python3
"""A UDP link with delay, jitter and loss, in userland, for kpi-snapshot.py's picture.

Clients send to --listen; each client gets its own socket towards --to, so a TURN server sees one
5-tuple per client, and answers come back the same way. Every datagram, either way, is dropped
with probability --loss or held for --delay-ms plus up to --jitter-ms. After --after seconds the
--then-* values apply (a link that degrades). For machines where tc netem is not available.

  /usr/bin/python3 deploy/grafana/udp-link.py --listen 127.0.0.1:3479 --to 127.0.0.1:3478 \
      --delay-ms 20 --jitter-ms 3 --loss 0.001 --after 330 --then-delay-ms 45 --then-jitter-ms 5 --then-loss 0.01
"""
import argparse
import asyncio
import random
import time


def hostport(text):
    host, _, port = text.rpartition(':')
    return host.strip('[]'), int(port)


class Link:
    def __init__(self, args):
        self.args = args
        self.start = time.monotonic()
        self.rng = random.Random(20261130)

    def behaviour(self):
        a = self.args
        if a.after is not None and time.monotonic() - self.start >= a.after:
            return a.then_delay_ms, a.then_jitter_ms, a.then_loss
        return a.delay_ms, a.jitter_ms, a.loss

    def carry(self, send):
        """Drops, or sends later: the link's one rule, both directions."""
        delay, jitter, loss = self.behaviour()
        if self.rng.random() < loss:
            return
        asyncio.get_running_loop().call_later((delay + self.rng.uniform(0, jitter)) / 1000.0, send)


class Upstream(asyncio.DatagramProtocol):
    def __init__(self, link, front, client):
        self.link, self.front, self.client = link, front, client

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.link.carry(lambda: self.front.sendto(data, self.client))


class Front(asyncio.DatagramProtocol):
    def __init__(self, link, to):
        self.link, self.to, self.upstreams = link, to, {}

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, client):
        up = self.upstreams.get(client)
        if up is None:
            up = asyncio.ensure_future(asyncio.get_running_loop().create_datagram_endpoint(
                lambda: Upstream(self.link, self.transport, client), remote_addr=self.to))
            self.upstreams[client] = up

        def send():
            if up.done() and not up.exception():
                up.result()[0].sendto(data)
            else:
                up.add_done_callback(lambda f: f.exception() or f.result()[0].sendto(data))
        self.link.carry(send)


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--listen', required=True)
    ap.add_argument('--to', required=True)
    ap.add_argument('--delay-ms', type=float, default=0)
    ap.add_argument('--jitter-ms', type=float, default=0)
    ap.add_argument('--loss', type=float, default=0)
    ap.add_argument('--after', type=float)
    ap.add_argument('--then-delay-ms', type=float, default=0)
    ap.add_argument('--then-jitter-ms', type=float, default=0)
    ap.add_argument('--then-loss', type=float, default=0)
    ap.add_argument('--seconds', type=float, default=3600, help='stop after this long')
    args = ap.parse_args()
    link = Link(args)
    await asyncio.get_running_loop().create_datagram_endpoint(lambda: Front(link, hostport(args.to)),
                                                               local_addr=hostport(args.listen))
    await asyncio.sleep(args.seconds)


if __name__ == '__main__':
    asyncio.run(main())
