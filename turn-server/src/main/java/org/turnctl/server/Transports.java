package org.turnctl.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Native epoll where it loads (SO_REUSEPORT: one UDP socket per event loop), NIO elsewhere. */
record Transports(String name, IoHandlerFactory ioHandlerFactory, Class<? extends DatagramChannel> datagram,
        Class<? extends ServerSocketChannel> serverSocket, Class<? extends SocketChannel> socket, boolean reusePort) {

    static Transports best() {
        if (Epoll.isAvailable()) {
            return new Transports("epoll", EpollIoHandler.newFactory(), EpollDatagramChannel.class,
                    EpollServerSocketChannel.class, EpollSocketChannel.class, true);
        }
        return nio();
    }

    static Transports nio() {
        return new Transports("nio", NioIoHandler.newFactory(), NioDatagramChannel.class,
                NioServerSocketChannel.class, NioSocketChannel.class, false);
    }
}
