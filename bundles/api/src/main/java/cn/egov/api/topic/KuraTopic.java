package cn.egov.api.topic;

import java.util.List;
import java.util.Optional;

/**
 * A topic in Kura's namespace, parsed or built.
 *
 * <ul>
 *   <li>telemetry: {@code <account>/<client-id>/<app-id>/<resource...>}</li>
 *   <li>lifecycle and control: {@code $EDC/<account>/<client-id>/<app-id>/<resource...>}, e.g.
 *       {@code $EDC/hebei/130602-001/MQTT/BIRTH}</li>
 * </ul>
 *
 * @param control  true for the {@code $EDC} control namespace
 * @param account  the account (the province, e.g. {@code hebei})
 * @param clientId the box's client id (its unit code)
 * @param appId    the application id, e.g. {@code MQTT}, {@code HEALTH}, {@code ISOLATION}
 * @param resource the rest of the topic, possibly empty; may contain {@code /}
 */
public record KuraTopic(boolean control, String account, String clientId, String appId, String resource) {

    public static final String CONTROL_PREFIX = "$EDC";
    /** The lifecycle application of Kura. */
    public static final String MQTT_APP = "MQTT";

    public KuraTopic {
        requireSegment(account, "account");
        requireSegment(clientId, "client id");
        requireSegment(appId, "app id");
        resource = resource == null ? "" : resource;
        if (resource.contains("+") || resource.contains("#")) {
            throw new IllegalArgumentException("resource must not contain MQTT wildcards: " + resource);
        }
    }

    private static void requireSegment(String s, String what) {
        if (s == null || s.isEmpty() || s.contains("/") || s.contains("+") || s.contains("#")) {
            throw new IllegalArgumentException(what + " must be one non-empty topic level without wildcards, got '" + s + "'");
        }
    }

    public static KuraTopic telemetry(String account, String clientId, String appId, String resource) {
        return new KuraTopic(false, account, clientId, appId, resource);
    }

    public static KuraTopic control(String account, String clientId, String appId, String resource) {
        return new KuraTopic(true, account, clientId, appId, resource);
    }

    public static KuraTopic birth(String account, String clientId) {
        return control(account, clientId, MQTT_APP, "BIRTH");
    }

    public static KuraTopic disconnect(String account, String clientId) {
        return control(account, clientId, MQTT_APP, "DC");
    }

    public static KuraTopic lastWill(String account, String clientId) {
        return control(account, clientId, MQTT_APP, "LWT");
    }

    /** True for {@code $EDC/<a>/<c>/MQTT/<what>}. */
    public boolean isLifecycle(String what) {
        return control && MQTT_APP.equals(appId) && what.equals(resource);
    }

    /** Parses a concrete topic; empty when it is not in Kura's namespace (too few levels). */
    public static Optional<KuraTopic> parse(String topic) {
        if (topic == null || topic.isEmpty()) {
            return Optional.empty();
        }
        List<String> levels = List.of(topic.split("/", -1));
        boolean control = CONTROL_PREFIX.equals(levels.get(0));
        int first = control ? 1 : 0;
        if (levels.size() - first < 3) {
            return Optional.empty();
        }
        String resource = String.join("/", levels.subList(first + 3, levels.size()));
        try {
            return Optional.of(new KuraTopic(control, levels.get(first), levels.get(first + 1), levels.get(first + 2), resource));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The subscription filter for everything a box may publish, control and telemetry: two filters. */
    public static List<String> boxFilters(String account, String clientId) {
        return List.of(CONTROL_PREFIX + "/" + account + "/" + clientId + "/#", account + "/" + clientId + "/#");
    }

    @Override
    public String toString() {
        String base = (control ? CONTROL_PREFIX + "/" : "") + account + "/" + clientId + "/" + appId;
        return resource.isEmpty() ? base : base + "/" + resource;
    }
}
