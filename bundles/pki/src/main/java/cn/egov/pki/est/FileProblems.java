package cn.egov.pki.est;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** One-line descriptions of file errors: the JDK's messages are often just the path. */
final class FileProblems {
    private FileProblems() {
    }

    static String describe(Exception e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException f) {
            // getMessage() = "file[ -> other]: reason", or only the file when the OS gave no reason
            return f.getReason() != null ? f.getMessage() : f.getFile() + ": " + f.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
