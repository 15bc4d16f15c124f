package cn.egov.manager.hub;

import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;

/**
 * The backbone hub as a part of the manager. Today it is a command only ({@code manager hub-config}
 * writes the hub's strongSwan configuration from the plan and the CA): no keys, tables, routes or
 * meters yet. Listed so that its {@code hub.*} keys, when it has some, are checked like every part's.
 */
public final class HubPart implements ManagerPart {

    @Override
    public String name() {
        return "hub";
    }

    @Override
    public void start(PartContext ctx) {
        // nothing runs in the manager's process yet
    }
}
