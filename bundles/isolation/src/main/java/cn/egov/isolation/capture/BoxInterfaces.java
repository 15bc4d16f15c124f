package cn.egov.isolation.capture;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.util.LinkLayerAddress;

/**
 * The box's own interface addresses and MACs, as libpcap lists them ({@code pcap_findalldevs}:
 * netlink, so a thread that entered a network namespace sees that namespace's interfaces). The
 * unplanned-host check never reports the box itself.
 *
 * @param addresses every address of every interface, as literals without a scope ({@code 10.6.8.1}, {@code fe80::1})
 * @param macs      every hardware address, as 48-bit numbers
 */
public record BoxInterfaces(List<String> addresses, List<Long> macs) {

    public BoxInterfaces {
        addresses = List.copyOf(addresses);
        macs = List.copyOf(macs);
    }

    /**
     * Reads them in network namespace {@code namespace} (null: the JVM's own), on a thread of its
     * own so that the caller's namespace does not change.
     *
     * @throws IllegalStateException when libpcap cannot list the interfaces
     */
    public static BoxInterfaces read(String namespace) {
        LiveCapture.useDebianLibpcapIfUnset();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                if (namespace != null) {
                    NetworkNamespace.enter(namespace);
                }
                result.set(list(Pcaps.findAllDevs()));
            } catch (Throwable e) { // UnsatisfiedLinkError included: the caller reports it
                result.set(e);
            }
        }, "box-interfaces");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing the box's interfaces", e);
        }
        if (result.get() instanceof BoxInterfaces b) {
            return b;
        }
        Throwable e = (Throwable) result.get();
        throw new IllegalStateException("cannot list the box's interfaces: " + e.getMessage(), e);
    }

    private static BoxInterfaces list(List<PcapNetworkInterface> devices) {
        List<String> addresses = new ArrayList<>();
        List<Long> macs = new ArrayList<>();
        for (PcapNetworkInterface d : devices) {
            for (PcapAddress a : d.getAddresses()) {
                InetAddress ip = a.getAddress();
                if (ip != null) {
                    String text = ip.getHostAddress();
                    int scope = text.indexOf('%');
                    addresses.add(scope < 0 ? text : text.substring(0, scope));
                }
            }
            for (LinkLayerAddress l : d.getLinkLayerAddresses()) {
                byte[] b = l.getAddress();
                if (b.length == 6) {
                    long mac = 0;
                    for (byte x : b) {
                        mac = mac << 8 | (x & 0xFF);
                    }
                    if (mac != 0) {
                        macs.add(mac);
                    }
                }
            }
        }
        return new BoxInterfaces(addresses, macs);
    }
}
