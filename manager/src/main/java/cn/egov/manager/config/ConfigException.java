package cn.egov.manager.config;

/** A configuration problem; the message names the file, line and key. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
