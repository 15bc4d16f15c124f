package cn.egov.isolation.capture;

import java.nio.file.Path;

/** The file is not a capture this reader understands; the message names the file and offset. */
public final class CaptureFormatException extends Exception {
    public CaptureFormatException(Path file, long offset, String problem) {
        super(file + " at byte " + offset + ": " + problem);
    }
}
