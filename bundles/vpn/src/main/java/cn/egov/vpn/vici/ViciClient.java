package cn.egov.vpn.vici;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client of strongSwan's VICI interface on its Unix socket. Each call opens its own
 * connection, so a restarted daemon needs no reconnect logic, and every read has a deadline, so
 * a hung daemon cannot hang the caller.
 *
 * <pre>{@code
 * ViciClient vici = new ViciClient(Path.of("/run/charon.vici"), Duration.ofSeconds(5));
 * List<ViciMessage> sas = vici.streamedRequest("list-sas", "list-sa", ViciMessage.EMPTY).events();
 * }</pre>
 */
public final class ViciClient {

    static final int CMD_REQUEST = 0;
    static final int CMD_RESPONSE = 1;
    static final int CMD_UNKNOWN = 2;
    static final int EVENT_REGISTER = 3;
    static final int EVENT_UNREGISTER = 4;
    static final int EVENT_CONFIRM = 5;
    static final int EVENT_UNKNOWN = 6;
    static final int EVENT = 7;

    /** libvici refuses packets above 512 KiB; so do we, instead of allocating what a peer claims. */
    private static final int MAX_PACKET = 512 * 1024;

    private final Path socket;
    private final Duration timeout;

    public ViciClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    public Path socket() {
        return socket;
    }

    /** Sends a command and returns its response. */
    public ViciMessage request(String command, ViciMessage args) {
        try (Connection c = connect()) {
            c.send(CMD_REQUEST, command, args);
            Packet p = c.receive();
            return expectResponse(command, p);
        }
    }

    /** The events a streamed command produced, and its final response. */
    public record Streamed(List<ViciMessage> events, ViciMessage response) {
    }

    /**
     * Sends a command whose results come as events (e.g. {@code list-sas} → {@code list-sa},
     * {@code initiate} → {@code control-log}), returning the events in order and the response,
     * which must arrive before the deadline.
     */
    public Streamed streamedRequest(String command, String event, ViciMessage args) {
        try (Connection c = connect()) {
            c.send(EVENT_REGISTER, event, null);
            Packet confirm = c.receive();
            if (confirm.type != EVENT_CONFIRM) {
                throw new ViciException("charon refused to stream event '" + event + "' (packet type " + confirm.type + ")");
            }
            c.send(CMD_REQUEST, command, args);
            List<ViciMessage> events = new ArrayList<>();
            while (true) {
                Packet p = c.receive();
                if (p.type == EVENT) {
                    events.add(p.message);
                } else {
                    return new Streamed(List.copyOf(events), expectResponse(command, p));
                }
            }
        }
    }

    private static ViciMessage expectResponse(String command, Packet p) {
        if (p.type == CMD_UNKNOWN) {
            throw new ViciException("charon does not know the VICI command '" + command + "'");
        }
        if (p.type != CMD_RESPONSE) {
            throw new ViciException("unexpected VICI packet type " + p.type + " in reply to '" + command + "'");
        }
        return p.message;
    }

    private Connection connect() {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.configureBlocking(false);
                return new Connection(ch, System.nanoTime() + timeout.toNanos());
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new ViciException("cannot reach charon's VICI socket " + socket + ": " + e.getMessage(), e);
        }
    }

    private record Packet(int type, String name, ViciMessage message) {
    }

    private final class Connection implements AutoCloseable {
        private final SocketChannel channel;
        private final Selector selector;
        private final long deadline;

        Connection(SocketChannel channel, long deadline) throws IOException {
            this.channel = channel;
            this.deadline = deadline;
            this.selector = Selector.open();
        }

        void send(int type, String name, ViciMessage message) {
            byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
            byte[] body = message == null ? new byte[0] : ViciCodec.encode(message);
            int length = 1 + (name == null ? 0 : 1 + nameBytes.length) + body.length;
            ByteBuffer buf = ByteBuffer.allocate(4 + length);
            buf.putInt(length).put((byte) type);
            if (name != null) {
                buf.put((byte) nameBytes.length).put(nameBytes);
            }
            buf.put(body).flip();
            try {
                while (buf.hasRemaining()) {
                    if (channel.write(buf) == 0) {
                        await(SelectionKey.OP_WRITE);
                    }
                }
            } catch (IOException e) {
                throw new ViciException("writing to " + socket + " failed: " + e.getMessage(), e);
            }
        }

        Packet receive() {
            ByteBuffer len = ByteBuffer.allocate(4);
            fill(len);
            int length = len.flip().getInt();
            if (length < 1 || length > MAX_PACKET) {
                throw new ViciException("VICI packet length " + length + " from " + socket + " is out of range");
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            fill(body);
            body.flip();
            int type = body.get() & 0xff;
            String name = null;
            if (type == EVENT) {
                name = ViciCodec.readName(body, 1);
            }
            ViciMessage message = type == CMD_RESPONSE || type == EVENT ? ViciCodec.decode(body) : ViciMessage.EMPTY;
            return new Packet(type, name, message);
        }

        private void fill(ByteBuffer buf) {
            try {
                while (buf.hasRemaining()) {
                    int n = channel.read(buf);
                    if (n < 0) {
                        throw new ViciException("charon closed the VICI connection on " + socket);
                    }
                    if (n == 0) {
                        await(SelectionKey.OP_READ);
                    }
                }
            } catch (IOException e) {
                throw new ViciException("reading from " + socket + " failed: " + e.getMessage(), e);
            }
        }

        private void await(int op) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ViciException("no answer from charon on " + socket + " within " + timeout.toMillis() + " ms");
            }
            SelectionKey key = channel.register(selector, op);
            selector.select(Math.max(1, left / 1_000_000));
            key.interestOps(0);
            selector.selectedKeys().clear();
        }

        @Override
        public void close() {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
