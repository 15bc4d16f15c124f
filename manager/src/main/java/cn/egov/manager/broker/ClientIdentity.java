package cn.egov.manager.broker;

import java.security.Principal;

/**
 * Who a connection authenticated as: kept in the connection's subject, so that every later
 * publish and subscription is judged by it and not by the client id the client chose.
 *
 * @param role what the client may do
 * @param name the unit code of a box, the NOC user's name, or the manager's internal user
 */
public record ClientIdentity(ClientRole role, String name) implements Principal {
    @Override
    public String getName() {
        return name;
    }
}
