package cn.egov.bench.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated boxes' shared machinery: one Netty event loop group (two threads for every box, not
 * threads per client as Paho has), the connect-rate limiter every (re)connect goes through, and the
 * fleet-wide counters. A box's channels all live on the one event loop it was given, so its state needs
 * no locks.
 */
final class Fleet implements AutoCloseable {

    /** How often the limiter hands out connects; each tick lets {@code rate * TICK_MS / 1000} boxes connect. */
    private static final int TICK_MS = 20;
    /** Tokens kept for ticks that ran late: up to this many ticks' worth. */
    private static final int BURST_TICKS = 5;

    final EventLoopGroup group = new NioEventLoopGroup(2);
    final Bootstrap bootstrap;
    final String host;
    final int port;
    final int window;
    private final Queue<SimBox> waiting = new ConcurrentLinkedQueue<>();
    private final ScheduledFuture<?> limiter;
    private double tokens;

    final AtomicLong acked = new AtomicLong();
    final AtomicLong alarmsAcked = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong resent = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger drained = new AtomicInteger();
    volatile long lastAckNanos;
    volatile boolean stopping;

    Fleet(String host, int port, int window, int connectsPerSecond) {
        this.host = host;
        this.port = port;
        this.window = window;
        this.bootstrap = new Bootstrap().channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
        double perTick = connectsPerSecond * TICK_MS / 1000.0;
        this.limiter = group.scheduleAtFixedRate(() -> {
            tokens = Math.min(tokens + perTick, Math.max(1, perTick * BURST_TICKS)); // late ticks (a loaded machine) catch up a little
            while (tokens >= 1 && !stopping) {
                SimBox next = waiting.poll();
                if (next == null) {
                    break;
                }
                tokens--;
                next.connectNow();
            }
        }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** A bootstrap for one box's connections, bound to its own event loop. */
    Bootstrap bootstrapFor(SimBox box) {
        return bootstrap.clone(box.loop).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE, box);
            }
        });
    }

    /** Queues a (re)connect behind the rate limit. */
    void requestConnect(SimBox box) {
        if (!stopping) {
            waiting.add(box);
        }
    }

    int waitingToConnect() {
        return waiting.size();
    }

    @Override
    public void close() {
        stopping = true;
        limiter.cancel(false);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
