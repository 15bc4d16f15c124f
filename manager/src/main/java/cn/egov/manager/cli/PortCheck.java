package cn.egov.manager.cli;

import cn.egov.manager.ca.CaConfig;
import cn.egov.manager.ca.CaConfigKey;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Before anything starts, every listener the configuration asks for is tried: a port in use (or
 * two keys naming one port, or a bind address that is not this machine's) is one line naming the
 * key, instead of a half-started broker and pages of its log. A port taken in the moment between
 * this check and the real start still fails the start, with the component's own error.
 */
final class PortCheck {

    /** One listener: the key that sets its port, where it binds. */
    record Listener(String key, String bindKey, String host, int port) {
    }

    private PortCheck() {
    }

    /** The listeners of {@code manager run} (web, the embedded broker's TLS, NOC and lab ports as configured, the CA's two). */
    static List<Listener> of(ManagerConfig cfg, CaConfig ca) {
        List<Listener> out = new ArrayList<>();
        out.add(new Listener(ConfigKey.WEB_PORT.key, ConfigKey.WEB_BIND.key, cfg.get(ConfigKey.WEB_BIND), cfg.integer(ConfigKey.WEB_PORT)));
        if (cfg.get(ConfigKey.BROKER_MODE).equals("embedded")) {
            String bind = cfg.get(ConfigKey.BROKER_BIND);
            // broker.port is the lab's plain listener, open only when enabled (the manager's own is on a free loopback port)
            if (cfg.get(ConfigKey.BROKER_PLAIN_ENABLED).trim().equals("true")) {
                out.add(new Listener(ConfigKey.BROKER_PORT.key, ConfigKey.BROKER_BIND.key, bind, cfg.integer(ConfigKey.BROKER_PORT)));
            }
            for (ConfigKey k : List.of(ConfigKey.BROKER_TLS_PORT, ConfigKey.BROKER_NOC_PORT)) {
                if (!cfg.get(k).isBlank()) {
                    out.add(new Listener(k.key, ConfigKey.BROKER_BIND.key, bind, cfg.integer(k)));
                }
            }
        }
        if (ca != null) {
            out.addAll(ofCa(ca));
        }
        return out;
    }

    /** The CA's listeners alone ({@code manager ca serve}). */
    static List<Listener> ofCa(CaConfig ca) {
        return List.of(new Listener(CaConfigKey.EST_PORT.key(), CaConfigKey.BIND.key(), ca.bind(), ca.estPort()),
                new Listener(CaConfigKey.HTTP_PORT.key(), CaConfigKey.BIND.key(), ca.bind(), ca.httpPort()));
    }

    /** Throws a {@link UserError} (exit 3) naming the first listener that cannot bind. */
    static void requireFree(List<Listener> listeners, String configFile) {
        for (int i = 0; i < listeners.size(); i++) {
            Listener a = listeners.get(i);
            if (a.port() == 0) {
                continue; // a free port is picked at start
            }
            for (int j = 0; j < i; j++) {
                Listener b = listeners.get(j);
                if (b.port() == a.port()) {
                    throw UserError.cannotStart(b.key() + " and " + a.key() + " are both " + a.port() + " in " + configFile
                            + "; give each listener its own port");
                }
            }
            InetAddress host;
            try {
                host = InetAddress.getByName(a.host());
            } catch (UnknownHostException e) {
                throw UserError.cannotStart(a.bindKey() + " '" + a.host() + "' in " + configFile + " is not a known host name or address");
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(host, a.port()));
            } catch (BindException e) {
                boolean notOurs = e.getMessage() != null && e.getMessage().contains("assign");
                throw UserError.cannotStart(notOurs
                        ? a.bindKey() + " " + a.host() + " in " + configFile + " is not an address of this machine"
                        : a.key() + " " + a.port() + " on " + a.host() + " is already in use by another program; stop it or set another "
                          + a.key() + " in " + configFile);
            } catch (IOException e) {
                throw UserError.cannotStart("cannot listen on " + a.host() + ":" + a.port() + " (" + a.key() + " in " + configFile + ")");
            }
        }
    }
}
