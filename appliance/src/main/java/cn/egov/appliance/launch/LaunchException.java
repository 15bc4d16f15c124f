package cn.egov.appliance.launch;

/**
 * The box cannot start with these settings: a directory that is missing or not writable, a data
 * directory another box is using. The message names the directory and what is wrong.
 */
public final class LaunchException extends Exception {
    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
