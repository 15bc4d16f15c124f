package cn.egov.bench.fleet;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The null subscriber for Mosquitto: the manager's persistent QoS 1 session (clean session off, client id
 * {@code egov-manager}, subscribed to the boxes' topics) that acknowledges and counts every message and
 * stores nothing. Counts distinct (client id, epoch, sequence) messages too, so a duplicate is not taken for a
 * stored message. One channel, so its counters live on one thread.
 */
final class NullSubscriber extends SimpleChannelInboundHandler<MqttMessage> implements AutoCloseable {

    private final String user;
    private final byte[] password;
    private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private final Map<String, BitSet> seen = new HashMap<>();
    private volatile long received;
    private volatile long distinct;
    private Channel channel;
    private final EventLoopGroup group = new NioEventLoopGroup(1);

    private NullSubscriber(String user, String password) {
        this.user = user;
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    static NullSubscriber connect(String host, int port, String user, String password) throws Exception {
        NullSubscriber s = new NullSubscriber(user, password);
        s.channel = new Bootstrap().group(s.group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE, s);
            }
        }).connect(host, port).sync().channel();
        s.subscribed.get(30, TimeUnit.SECONDS);
        return s;
    }

    long received() {
        return received;
    }

    long distinct() {
        return distinct;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(MqttMessageBuilders.connect().clientId(user).hasUser(true).username(user).hasPassword(true).password(password).cleanSession(false)
                .keepAlive(600).protocolVersion(MqttVersion.MQTT_3_1_1).build());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
        switch (msg.fixedHeader().messageType()) {
            case CONNACK -> ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, SimBox.ACCOUNT + "/#")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "$EDC/" + SimBox.ACCOUNT + "/#").build());
            case SUBACK -> subscribed.complete(null);
            case PUBLISH -> {
                MqttPublishMessage p = (MqttPublishMessage) msg;
                if (p.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                    ctx.writeAndFlush(new MqttPubAckMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                            MqttMessageIdVariableHeader.from(p.variableHeader().packetId())));
                }
                count(p);
            }
            default -> {
            }
        }
    }

    private void count(MqttPublishMessage p) {
        received++;
        String client = KuraTopic.parse(p.variableHeader().topicName()).map(KuraTopic::clientId).orElse("?");
        Object seq;
        Object epoch;
        try {
            KuraPayload payload = KuraPayloadCodec.decode(ByteBufUtil.getBytes(p.payload()));
            seq = payload.metric(MessageId.SEQUENCE_METRIC);
            epoch = payload.metric(MessageId.EPOCH_METRIC);
        } catch (PayloadFormatException e) {
            return; // received, but not one of ours: not counted as stored
        }
        // by outbox (client id and epoch: a later storm's boxes are new outboxes), then sequence
        BitSet outbox = seen.computeIfAbsent(client + "/" + epoch, c -> new BitSet());
        if (seq instanceof Number n && !outbox.get(n.intValue())) {
            outbox.set(n.intValue());
            distinct++;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        subscribed.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
