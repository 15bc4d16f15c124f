package cn.egov.appliance.config;

/** One {@code key = value} line of a configuration file, with its line number for error messages. */
public record ConfigEntry(String key, String value, int line) {
}
