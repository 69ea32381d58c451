package dev.credbroker.cli;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Caps the endpoint's open connections, in total and per remote address. At a cap the newcomer
 * is not refused: the oldest connection that is not being answered (idle, or still sending its
 * header) is closed to make room, because a local client that holds connections without asking
 * must not be able to lock the SDKs out. Only when every connection in scope is being answered is
 * the newcomer closed. Shared by all connections and confined to the endpoint's single event-loop
 * thread, so it needs no locks.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {
  private final EndpointLimits limits;
  private final Map<Channel, InetAddress> open = new LinkedHashMap<>(); // oldest first
  private final Map<InetAddress, Integer> perPeer = new HashMap<>();

  ConnectionGate(EndpointLimits limits) {
    this.limits = limits;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetAddress peer = peer(ctx.channel());
    if (open.size() >= limits.maxConnections() && !evictOldest(null)
        || perPeer.getOrDefault(peer, 0) >= limits.maxConnectionsPerPeer() && !evictOldest(peer)) {
      ctx.close();
      return;
    }
    open.put(ctx.channel(), peer);
    perPeer.merge(peer, 1, Integer::sum);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    forget(ctx.channel());
    super.channelInactive(ctx);
  }

  int openConnections() {
    return open.size();
  }

  /** Closes the oldest connection (of {@code peer}, if given) not being answered, if any. */
  private boolean evictOldest(InetAddress peer) {
    for (Map.Entry<Channel, InetAddress> e : open.entrySet()) {
      Channel c = e.getKey();
      RequestDeadlines d = c.pipeline().get(RequestDeadlines.class);
      if ((peer == null || peer.equals(e.getValue()))
          && (d == null || d.phase() != RequestDeadlines.Phase.ANSWERING)) {
        forget(c);
        c.close();
        return true;
      }
    }
    return false;
  }

  private void forget(Channel c) {
    InetAddress peer = open.remove(c);
    if (peer != null) {
      perPeer.computeIfPresent(peer, (p, n) -> n > 1 ? n - 1 : null);
    }
  }

  private static InetAddress peer(Channel c) {
    return ((InetSocketAddress) c.remoteAddress()).getAddress();
  }
}
