package cn.egov.bench.fleet;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated box: an outbox of numbered messages (health, and every {@code alarmEvery}-th an alarm),
 * drained QoS 1 with at most {@code window} publishes unacknowledged (the box's {@code max.inflight}),
 * a message leaving the outbox only on its PUBACK. When the connection goes, the unacknowledged ones go
 * back to the front of the outbox and the box reconnects after a jittered, doubling back-off, through
 * the fleet's connect-rate limit. Every field is touched only on {@link #loop}.
 */
@ChannelHandler.Sharable
final class SimBox extends SimpleChannelInboundHandler<MqttMessage> {

    static final String ACCOUNT = "hebei";
    private static final int KEEP_ALIVE_S = 180;
    private static final long BACKOFF_FIRST_MS = 1_000;
    private static final long BACKOFF_MAX_MS = 30_000;
    private static final long CONNACK_TIMEOUT_S = 60;

    final String id;
    final EventLoop loop;
    private final byte[] password;
    private final Fleet fleet;
    private final String healthTopic;
    private final String alarmTopic;
    private final String epoch = UUID.randomUUID().toString();
    /** 0 = no alarms; else message number k is an alarm when {@code (k + alarmPhase) % alarmEvery == 0}. */
    private final int alarmEvery;
    /** Boxes raise their alarms at different times: each minute some of the fleet sends one. */
    private final int alarmPhase;

    /** Messages 0..created-1 exist; those below {@code nextFresh} were sent at least once. */
    private long created;
    private long nextFresh;
    private long ackedHere;
    /** Sent once, connection lost before the PUBACK: sent again first. */
    private final ArrayDeque<Long> retry = new ArrayDeque<>();
    private final Map<Integer, Long> inFlight = new HashMap<>();
    private int nextPacketId = 1;
    private int failures;
    private Channel channel;
    private boolean online;

    SimBox(String id, String password, Fleet fleet, EventLoop loop, int alarmEvery) {
        this.id = id;
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.fleet = fleet;
        this.loop = loop;
        this.alarmEvery = alarmEvery;
        this.alarmPhase = alarmEvery > 0 ? ThreadLocalRandom.current().nextInt(alarmEvery) : 0;
        this.healthTopic = KuraTopic.telemetry(ACCOUNT, id, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString();
        this.alarmTopic = KuraTopic.telemetry(ACCOUNT, id, Alarm.APP_ID, "bench.fleet").toString();
    }

    /** Puts {@code n} more messages into the outbox (the backlog of an outage, or the next health reading). */
    void enqueue(long n) {
        loop.execute(() -> {
            created += n;
            pump();
        });
    }

    long acked() {
        return ackedHere;
    }

    /** Called by the limiter, on any thread. */
    void connectNow() {
        ChannelFuture f = fleet.bootstrapFor(this).connect(fleet.host, fleet.port);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                fleet.connectFailures.incrementAndGet();
                scheduleReconnect();
            }
        });
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ctx.writeAndFlush(MqttMessageBuilders.connect().clientId(id).hasUser(true).username(id).hasPassword(true).password(password).cleanSession(true)
                .keepAlive(KEEP_ALIVE_S).protocolVersion(MqttVersion.MQTT_3_1_1).build());
        Channel ch = ctx.channel();
        loop.schedule(() -> {
            if (ch == channel && !online) {
                ch.close();
            }
        }, CONNACK_TIMEOUT_S, TimeUnit.SECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
        if (msg.decoderResult().isFailure()) {
            ctx.close();
            return;
        }
        MqttMessageType type = msg.fixedHeader().messageType();
        if (type == MqttMessageType.CONNACK) {
            if (((MqttConnAckMessage) msg).variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                fleet.connectFailures.incrementAndGet();
                ctx.close();
                return;
            }
            online = true;
            failures = 0;
            fleet.connects.incrementAndGet();
            fleet.connected.incrementAndGet();
            pump();
        } else if (type == MqttMessageType.PUBACK) {
            Long seq = inFlight.remove(((MqttMessageIdVariableHeader) msg.variableHeader()).messageId());
            if (seq != null) {
                ackedHere++;
                fleet.acked.incrementAndGet();
                if (isAlarm(seq)) {
                    fleet.alarmsAcked.incrementAndGet();
                }
                fleet.lastAckNanos = System.nanoTime();
                if (ackedHere == created && nextFresh == created) {
                    fleet.drained.incrementAndGet();
                }
                pump();
            }
        }
    }

    private void pump() {
        if (!online || fleet.stopping) {
            return;
        }
        boolean wrote = false;
        while (inFlight.size() < fleet.window && (!retry.isEmpty() || nextFresh < created)) {
            long seq;
            if (!retry.isEmpty()) {
                seq = retry.poll();
                fleet.resent.incrementAndGet();
            } else {
                seq = nextFresh++;
            }
            int packetId = packetId();
            inFlight.put(packetId, seq);
            channel.write(MqttMessageBuilders.publish().topicName(isAlarm(seq) ? alarmTopic : healthTopic).qos(MqttQoS.AT_LEAST_ONCE)
                    .retained(false).messageId(packetId).payload(Unpooled.wrappedBuffer(payload(seq))).build());
            fleet.sent.incrementAndGet();
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private int packetId() {
        while (inFlight.containsKey(nextPacketId)) {
            nextPacketId = nextPacketId % 0xFFFF + 1;
        }
        int p = nextPacketId;
        nextPacketId = nextPacketId % 0xFFFF + 1;
        return p;
    }

    private boolean isAlarm(long seq) {
        return alarmEvery > 0 && (seq + alarmPhase) % alarmEvery == 0;
    }

    /** The payload the box's health reporter / alarm sender publishes, with the message id the store deduplicates by. */
    private byte[] payload(long seq) {
        KuraPayload.Builder b = isAlarm(seq)
                ? KuraPayload.builder().timestamp(System.currentTimeMillis()).metric("kind", "bench.fleet")
                        .metric("severity", Alarm.Severity.MINOR.name()).metric("source", "bench")
                        .metric("message", "simulated alarm " + seq)
                : KuraPayload.builder().timestamp(System.currentTimeMillis())
                        .metric(BoxMetrics.CPU_LOAD, 0.2 + seq % 10 / 100.0).metric(BoxMetrics.HEAP_USED_BYTES, 40_000_000L + seq)
                        .metric(BoxMetrics.HEAP_MAX_BYTES, 128_000_000L).metric(BoxMetrics.DISK_FREE_BYTES, 2_000_000_000L)
                        .metric(BoxMetrics.OUTBOX_DEPTH, created - ackedHere);
        return KuraPayloadCodec.encode(b.metric(MessageId.EPOCH_METRIC, epoch).metric(MessageId.SEQUENCE_METRIC, seq).build());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel() != channel) {
            return;
        }
        if (online) {
            fleet.connected.decrementAndGet();
        }
        online = false;
        channel = null;
        // unacknowledged: still in the outbox, sent again first (in order) after the reconnect
        List<Long> again = new ArrayList<>(retry);
        again.addAll(inFlight.values());
        Collections.sort(again);
        retry.clear();
        retry.addAll(again);
        inFlight.clear();
        scheduleReconnect();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // the connection is broken: channelInactive reconnects
    }

    private void scheduleReconnect() {
        if (fleet.stopping) {
            return;
        }
        long base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS << Math.min(failures++, 5));
        long delay = (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble()));
        loop.schedule(() -> fleet.requestConnect(this), delay, TimeUnit.MILLISECONDS);
    }

    void disconnect() {
        loop.execute(() -> {
            Channel ch = channel;
            if (ch != null) {
                ch.writeAndFlush(MqttMessage.DISCONNECT).addListener(f -> ch.close());
            }
        });
    }
}
