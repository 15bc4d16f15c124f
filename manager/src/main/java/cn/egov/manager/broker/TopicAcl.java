package cn.egov.manager.broker;

import cn.egov.api.topic.KuraTopic;
import cn.egov.rules.unit.UnitCode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may publish and subscribe where. A box (client id = its unit code):
 * <ul>
 *   <li>publishes only under {@code $EDC/<acct>/<its id>/#} and {@code <acct>/<its id>/#}, and never
 *       on a control request topic ({@code $EDC/<acct>/<id>/<app>/GET|PUT|POST|DEL|EXEC/...}): those
 *       carry the manager's requests and signed policy to the box, so a box cannot fake them (not
 *       even for itself, as a retained message it would read back);</li>
 *   <li>subscribes only to filters inside its own control namespace {@code $EDC/<acct>/<its id>/...}
 *       (the first three levels literal: no wildcard can reach another box's topics).</li>
 * </ul>
 * A client id that is not a unit code may do neither. A NOC operator ({@link ClientRole#NOC})
 * subscribes to filters under {@code <acct>/} and {@code $EDC/} (so {@code <acct>/#} and
 * {@code $EDC/#}) and never publishes. (The manager's own connection is privileged by the listener
 * and user it authenticated on, never by a client id that anyone could claim: see
 * {@link InternalClientGate}.) The same rules as Kapua's device permissions and the Mosquitto ACL
 * files in {@code image/mosquitto/}.
 */
public final class TopicAcl {

    /** Kura's request verbs: the resource's first level of a cloud-to-device request. */
    public static final Set<String> REQUEST_VERBS = Set.of("GET", "PUT", "POST", "DEL", "EXEC");

    private final String account;

    public TopicAcl(String account) {
        this.account = account;
    }

    public boolean mayPublish(String clientId, String topic) {
        if (clientId == null || topic == null) {
            return false;
        }
        if (!UnitCode.isValid(clientId)) {
            return false;
        }
        if (isRequestTopic(topic)) {
            return false;
        }
        for (String filter : KuraTopic.boxFilters(account, clientId)) {
            String prefix = filter.substring(0, filter.length() - 1); // "…/<id>/"
            if (topic.startsWith(prefix) && topic.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    /** True for a topic filter a box may subscribe to: inside {@code $EDC/<acct>/<its id>/}. */
    public boolean maySubscribe(String clientId, String filter) {
        if (clientId == null || filter == null || !UnitCode.isValid(clientId)) {
            return false;
        }
        String prefix = KuraTopic.CONTROL_PREFIX + "/" + account + "/" + clientId + "/";
        return filter.startsWith(prefix) && filter.length() > prefix.length();
    }

    /** True for a filter a NOC operator may subscribe to: under {@code <acct>/} or {@code $EDC/}. */
    public boolean nocMaySubscribe(String filter) {
        if (filter == null) {
            return false;
        }
        String telemetry = account + "/";
        String control = KuraTopic.CONTROL_PREFIX + "/";
        return filter.startsWith(telemetry) && filter.length() > telemetry.length()
                || filter.startsWith(control) && filter.length() > control.length();
    }

    /** {@code $EDC/<acct>/<client>/<app>/<VERB>/...}: a request to a box. */
    static boolean isRequestTopic(String topic) {
        Optional<KuraTopic> t = KuraTopic.parse(topic);
        if (t.isEmpty() || !t.get().control()) {
            return false;
        }
        List<String> levels = List.of(t.get().resource().split("/", -1));
        return REQUEST_VERBS.contains(levels.get(0));
    }
}
