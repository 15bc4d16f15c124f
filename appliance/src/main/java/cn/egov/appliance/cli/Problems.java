package cn.egov.appliance.cli;

import cn.egov.appliance.launch.LaunchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One line for an exception a command did not handle itself. The JDK's file exceptions often
 * carry only the path ({@code NoSuchFileException: /nonexistent}): the line says what is wrong
 * with it.
 */
final class Problems {
    private Problems() {
    }

    /** Whether the person running the command can fix it (bad input) rather than it being a fault of the program. */
    static boolean isUserError(Throwable e) {
        return e instanceof UserError || e instanceof LaunchException || e instanceof IOException
                || e instanceof UncheckedIOException || e instanceof IllegalArgumentException;
    }

    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof NotDirectoryException d) {
            return d.getFile() + ": not a directory";
        }
        if (e instanceof FileSystemException f) {
            // "file[ -> other]: reason"; only the file when the OS gave no reason
            return f.getReason() != null ? f.getMessage() : f.getFile() + ": " + f.getClass().getSimpleName();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : oneLine(m);
    }

    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
