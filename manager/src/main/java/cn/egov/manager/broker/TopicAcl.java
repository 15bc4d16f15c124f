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

    /**
     * Judged at every PUBLISH (by the broker's interceptor), so it compares in place and parses
     * only control topics, the few that could be requests.
     */
    public boolean mayPublish(String clientId, String topic) {
        if (clientId == null || topic == null) {
            return false;
        }
        if (!UnitCode.isValid(clientId)) {
            return false;
        }
        if (underOwnId(topic, 0, clientId)) {
            return true; // <acct>/<id>/...: telemetry, never a request
        }
        int control = KuraTopic.CONTROL_PREFIX.length();
        return topic.startsWith(KuraTopic.CONTROL_PREFIX) && topic.length() > control && topic.charAt(control) == '/'
                && underOwnId(topic, control + 1, clientId) && !isRequestTopic(topic);
    }

    /** True when {@code topic} continues at {@code from} with {@code <acct>/<clientId>/} and at least one more character. */
    private boolean underOwnId(String topic, int from, String clientId) {
        int slash1 = from + account.length();
        int slash2 = slash1 + 1 + clientId.length();
        return topic.length() > slash2 + 1
                && topic.startsWith(account, from) && topic.charAt(slash1) == '/'
                && topic.startsWith(clientId, slash1 + 1) && topic.charAt(slash2) == '/';
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
