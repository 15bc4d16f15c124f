package cn.egov.manager.broker;

import cn.egov.api.topic.KuraTopic;
import cn.egov.rules.unit.UnitCode;

/**
 * Who may publish where: a box (client id = its unit code) only under
 * {@code $EDC/<acct>/<its id>/#} and {@code <acct>/<its id>/#}; a client id that is not a unit
 * code nowhere. (The manager's own connection is privileged by its authenticated user, never by a
 * client id that anyone could claim: see {@link InternalClientGate}.) The same rule as Kapua's device permissions and the Mosquitto
 * {@code pattern write} lines in {@code image/mosquitto/egov.conf}.
 */
public final class TopicAcl {

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
        for (String filter : KuraTopic.boxFilters(account, clientId)) {
            String prefix = filter.substring(0, filter.length() - 1); // "…/<id>/"
            if (topic.startsWith(prefix) && topic.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }
}
