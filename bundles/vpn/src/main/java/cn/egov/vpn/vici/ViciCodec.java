package cn.egov.vpn.vici;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes and decodes the body of a VICI message (strongSwan's {@code libvici} wire format):
 * a flat stream of typed elements where sections and lists are opened and closed explicitly.
 * Names are at most 255 bytes, values at most 65535 bytes (the format's length fields).
 */
public final class ViciCodec {

    static final int SECTION_START = 1;
    static final int SECTION_END = 2;
    static final int KEY_VALUE = 3;
    static final int LIST_START = 4;
    static final int LIST_ITEM = 5;
    static final int LIST_END = 6;

    private static final int MAX_NAME = 0xff;
    private static final int MAX_VALUE = 0xffff;

    private ViciCodec() {
    }

    public static byte[] encode(ViciMessage message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encodeElements(message, out);
        return out.toByteArray();
    }

    private static void encodeElements(ViciMessage message, ByteArrayOutputStream out) {
        for (Map.Entry<String, Object> e : message.elements().entrySet()) {
            Object v = e.getValue();
            if (v instanceof ViciMessage section) {
                out.write(SECTION_START);
                writeName(e.getKey(), out);
                encodeElements(section, out);
                out.write(SECTION_END);
            } else if (v instanceof List<?> list) {
                out.write(LIST_START);
                writeName(e.getKey(), out);
                for (Object item : list) {
                    out.write(LIST_ITEM);
                    writeValue(e.getKey(), (String) item, out);
                }
                out.write(LIST_END);
            } else {
                out.write(KEY_VALUE);
                writeName(e.getKey(), out);
                writeValue(e.getKey(), (String) v, out);
            }
        }
    }

    private static void writeName(String name, ByteArrayOutputStream out) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > MAX_NAME) {
            throw new IllegalArgumentException("VICI name must be 1.." + MAX_NAME + " bytes: '" + name + "'");
        }
        out.write(b.length);
        out.writeBytes(b);
    }

    private static void writeValue(String name, String value, ByteArrayOutputStream out) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_VALUE) {
            throw new IllegalArgumentException("VICI value of '" + name + "' exceeds " + MAX_VALUE + " bytes");
        }
        out.write(b.length >> 8);
        out.write(b.length & 0xff);
        out.writeBytes(b);
    }

    /** Decodes a message body; a malformed body fails with the offset of the bad element. */
    public static ViciMessage decode(ByteBuffer in) {
        Deque<Map<String, Object>> stack = new ArrayDeque<>();
        Deque<String> names = new ArrayDeque<>();
        stack.push(new LinkedHashMap<>());
        String listName = null;
        List<String> list = null;
        while (in.hasRemaining()) {
            int offset = in.position();
            int type = in.get() & 0xff;
            switch (type) {
                case SECTION_START -> {
                    requireNoList(list, offset);
                    names.push(readName(in, offset));
                    stack.push(new LinkedHashMap<>());
                }
                case SECTION_END -> {
                    requireNoList(list, offset);
                    if (names.isEmpty()) {
                        throw malformed(offset, "section end without a section");
                    }
                    ViciMessage section = new ViciMessage(stack.pop());
                    stack.peek().put(names.pop(), section);
                }
                case KEY_VALUE -> {
                    requireNoList(list, offset);
                    String name = readName(in, offset);
                    stack.peek().put(name, readValue(in, offset));
                }
                case LIST_START -> {
                    requireNoList(list, offset);
                    listName = readName(in, offset);
                    list = new ArrayList<>();
                }
                case LIST_ITEM -> {
                    if (list == null) {
                        throw malformed(offset, "list item outside a list");
                    }
                    list.add(readValue(in, offset));
                }
                case LIST_END -> {
                    if (list == null) {
                        throw malformed(offset, "list end outside a list");
                    }
                    stack.peek().put(listName, list);
                    list = null;
                }
                default -> throw malformed(offset, "unknown element type " + type);
            }
        }
        if (list != null || !names.isEmpty()) {
            throw malformed(in.position(), "message ends inside a " + (list != null ? "list" : "section"));
        }
        return new ViciMessage(stack.pop());
    }

    private static void requireNoList(List<String> list, int offset) {
        if (list != null) {
            throw malformed(offset, "element inside an open list");
        }
    }

    static String readName(ByteBuffer in, int offset) {
        if (!in.hasRemaining()) {
            throw malformed(offset, "name length missing");
        }
        int len = in.get() & 0xff;
        return readString(in, len, offset);
    }

    private static String readValue(ByteBuffer in, int offset) {
        if (in.remaining() < 2) {
            throw malformed(offset, "value length missing");
        }
        int len = in.getShort() & 0xffff;
        return readString(in, len, offset);
    }

    private static String readString(ByteBuffer in, int len, int offset) {
        if (in.remaining() < len) {
            throw malformed(offset, "needs " + len + " bytes, only " + in.remaining() + " left");
        }
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static ViciException malformed(int offset, String what) {
        return new ViciException("malformed VICI message at offset " + offset + ": " + what);
    }
}
