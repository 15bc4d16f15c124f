package cn.egov.appliance.update;

import java.io.IOException;
import java.nio.file.Path;

/** The box's package as the system's package manager holds it (dpkg on the box; a fake in unit tests). */
public interface Packages {

    /** The installed version of the box's package. */
    String installedVersion() throws IOException;

    /** Installs a package file; the exception's message is the package manager's own. */
    void install(Path deb) throws IOException;

    /** Writes the installed package, as installed, to {@code out}: what a rollback reinstalls. */
    void saveInstalled(Path out) throws IOException;
}
