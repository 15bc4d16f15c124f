package cn.egov.vpn.vici;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViciCodecTest {

    @Test
    void encodesTheWireFormatOfLibvici() {
        ViciMessage m = ViciMessage.builder()
                .put("child", "backbone")
                .put("ts", List.of("10.0.0.0/8"))
                .put("sec", ViciMessage.builder().put("k", "v").build())
                .build();
        byte[] expected = {
                3, 5, 'c', 'h', 'i', 'l', 'd', 0, 8, 'b', 'a', 'c', 'k', 'b', 'o', 'n', 'e',
                4, 2, 't', 's', 5, 0, 10, '1', '0', '.', '0', '.', '0', '.', '0', '/', '8', 6,
                1, 3, 's', 'e', 'c', 3, 1, 'k', 0, 1, 'v', 2};
        assertArrayEquals(expected, ViciCodec.encode(m));
    }

    @Test
    void roundTripsNestedSectionsAndKeepsOrder() {
        ViciMessage m = ViciMessage.builder()
                .put("b", "2")
                .put("a", ViciMessage.builder().put("inner", List.of("x", "y")).put("deep", ViciMessage.EMPTY).build())
                .put("c", "UTF-8 值")
                .build();
        ViciMessage back = ViciCodec.decode(ByteBuffer.wrap(ViciCodec.encode(m)));
        assertEquals(m, back);
        assertEquals(List.of("b", "a", "c"), List.copyOf(back.elements().keySet()));
        assertEquals(List.of("x", "y"), back.section("a").list("inner"));
    }

    @Test
    void malformedInputNamesTheOffset() {
        byte[] truncated = {3, 5, 'c', 'h', 'i', 'l', 'd', 0, 8, 'b'};
        ViciException e = assertThrows(ViciException.class, () -> ViciCodec.decode(ByteBuffer.wrap(truncated)));
        assertTrue(e.getMessage().contains("offset 0"), e.getMessage());

        byte[] unclosed = {1, 1, 's', 3, 1, 'k', 0, 0};
        e = assertThrows(ViciException.class, () -> ViciCodec.decode(ByteBuffer.wrap(unclosed)));
        assertTrue(e.getMessage().contains("inside a section"), e.getMessage());

        byte[] unknown = {9};
        e = assertThrows(ViciException.class, () -> ViciCodec.decode(ByteBuffer.wrap(unknown)));
        assertTrue(e.getMessage().contains("unknown element type 9"), e.getMessage());
    }

    @Test
    void refusesValuesTheFormatCannotCarry() {
        ViciMessage tooLong = ViciMessage.builder().put("k", "x".repeat(70_000)).build();
        assertThrows(IllegalArgumentException.class, () -> ViciCodec.encode(tooLong));
        ViciMessage longName = ViciMessage.builder().put("n".repeat(256), "v").build();
        assertThrows(IllegalArgumentException.class, () -> ViciCodec.encode(longName));
    }
}
