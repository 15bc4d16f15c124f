package cn.egov.manager.broker;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTProtocolManager;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTProtocolManagerFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyServerConnection;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.routing.RoutingHandler;
import org.apache.activemq.artemis.spi.core.protocol.ConnectionEntry;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManager;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManagerFactory;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.remoting.Connection;

/**
 * Artemis's MQTT protocol with its acceptor's {@code maximumPacketSize} enforced for MQTT 3.1.1 as
 * well, before a packet is read. Artemis decodes every packet of up to 256 MB into memory (its
 * decoder is built with the protocol's maximum) and compares it with {@code maximumPacketSize}
 * only afterwards, and only for MQTT 5: one box sending a 100 MB PUBLISH made the manager buffer
 * 100 MB, ten such boxes a gigabyte. Here the decoder is built with {@code maximumPacketSize}:
 * Netty reads a packet's length from its fixed header and, when it is larger, skips the rest
 * without buffering it; Artemis then closes the connection (a decoding failure). Each such packet
 * is told to {@code oversize} with the listener and the client's address.
 *
 * <p>Registered with the server in place of Artemis's own MQTT factory (a factory given to the
 * server is loaded after the ones it finds on the class path, and wins).
 */
final class MqttPacketLimit extends MQTTProtocolManagerFactory {

    private final Consumer<OversizePacket> oversize;

    /** @param oversize told of each refused packet, on a Netty thread (it must return at once) */
    MqttPacketLimit(Consumer<OversizePacket> oversize) {
        this.oversize = oversize;
    }

    @Override
    public ProtocolManager createProtocolManager(ActiveMQServer server, Map<String, Object> parameters,
                                                 List<BaseInterceptor> incoming, List<BaseInterceptor> outgoing) throws Exception {
        MQTTProtocolManager mqtt = (MQTTProtocolManager) super.createProtocolManager(server, parameters, incoming, outgoing);
        return new Limited(mqtt, this);
    }

    /** Artemis's MQTT protocol manager with the bounded decoder; everything else is Artemis's. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class Limited implements ProtocolManager {
        private final MQTTProtocolManager mqtt;
        private final MqttPacketLimit factory;

        Limited(MQTTProtocolManager mqtt, MqttPacketLimit factory) {
            this.mqtt = mqtt;
            this.factory = factory;
        }

        @Override
        public void addChannelHandlers(ChannelPipeline pipeline) {
            mqtt.addChannelHandlers(pipeline);
            // nothing has been decoded yet: the protocol detector adds these handlers before it passes on the first bytes
            String decoder = pipeline.context(MqttDecoder.class).name();
            pipeline.replace(decoder, decoder, new MqttDecoder(mqtt.getMaximumPacketSize()));
            pipeline.addAfter(decoder, "egov-packet-limit", new Watch(mqtt.getSecurityDomain(), factory.oversize));
        }

        @Override
        public ProtocolManagerFactory getFactory() {
            return factory;
        }

        @Override
        public void updateInterceptors(List incoming, List outgoing) {
            mqtt.updateInterceptors(incoming, outgoing);
        }

        @Override
        public ConnectionEntry createConnectionEntry(Acceptor acceptor, Connection connection) {
            return mqtt.createConnectionEntry(acceptor, connection);
        }

        @Override
        public void removeHandler(String name) {
            mqtt.removeHandler(name);
        }

        @Override
        public void handleBuffer(RemotingConnection connection, ActiveMQBuffer buffer) {
            mqtt.handleBuffer(connection, buffer);
        }

        @Override
        public boolean isProtocol(byte[] array) {
            return mqtt.isProtocol(array);
        }

        @Override
        public boolean acceptsNoHandshake() {
            return mqtt.acceptsNoHandshake();
        }

        @Override
        public void handshake(NettyServerConnection connection, ActiveMQBuffer buffer) {
            mqtt.handshake(connection, buffer);
        }

        @Override
        public List<String> websocketSubprotocolIdentifiers() {
            return mqtt.websocketSubprotocolIdentifiers();
        }

        @Override
        public void setAnycastPrefix(String prefix) {
            mqtt.setAnycastPrefix(prefix);
        }

        @Override
        public void setMulticastPrefix(String prefix) {
            mqtt.setMulticastPrefix(prefix);
        }

        @Override
        public Map<SimpleString, RoutingType> getPrefixes() {
            return mqtt.getPrefixes();
        }

        @Override
        public void setSecurityDomain(String domain) {
            mqtt.setSecurityDomain(domain);
        }

        @Override
        public String getSecurityDomain() {
            return mqtt.getSecurityDomain();
        }

        @Override
        public RoutingHandler getRoutingHandler() {
            return mqtt.getRoutingHandler();
        }
    }

    /** Sees the decoder's verdict on a packet too large and tells it; Artemis closes the connection next. */
    private static final class Watch extends ChannelInboundHandlerAdapter {
        private final String listener;
        private final Consumer<OversizePacket> oversize;

        Watch(String listener, Consumer<OversizePacket> oversize) {
            this.listener = listener;
            this.oversize = oversize;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof MqttMessage m && m.decoderResult().isFailure() && m.decoderResult().cause() instanceof TooLongFrameException e) {
                oversize.accept(new OversizePacket(listener, String.valueOf(ctx.channel().remoteAddress()), e.getMessage()));
            }
            ctx.fireChannelRead(msg);
        }
    }
}
