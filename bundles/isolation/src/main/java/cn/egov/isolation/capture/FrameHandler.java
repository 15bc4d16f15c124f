package cn.egov.isolation.capture;

/**
 * Receives the frames of a capture file in order. The array is the reader's and valid only during
 * the call: copy what must outlive it. Readers call {@link #interfaceDeclared} before the first
 * frame of each interface.
 */
public interface FrameHandler {

    /**
     * An interface of the capture: pcap files declare one (index 0, no name); pcapng files one
     * per Interface Description Block, numbered across sections.
     *
     * @param name the {@code if_name} option, or null when the file does not say
     */
    void interfaceDeclared(int index, int linkType, String name);

    /**
     * One captured frame.
     *
     * @param data           a chunk of the file; the frame is at {@code offset}
     * @param capturedLength bytes present in the file
     * @param originalLength bytes on the wire
     */
    void frame(int interfaceIndex, long timeNanos, byte[] data, int offset, int capturedLength, int originalLength);
}
