package cn.egov.vpn;

import java.util.List;

/** The strongSwan daemon as the tunnel code needs it: load the configuration, start a tunnel, list SAs. */
public interface Charon {

    /** Loads swanctl.conf and the credentials next to it, unloading what is gone; returns swanctl's summary. */
    String loadAll();

    /** Initiates a CHILD SA (and its IKE SA) and waits for the outcome; throws with charon's reason. */
    void initiate(String child);

    /** The security associations charon holds now. */
    List<IkeSa> listSas();
}
