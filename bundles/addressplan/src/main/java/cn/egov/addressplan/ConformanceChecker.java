package cn.egov.addressplan;

import cn.egov.addressplan.SiteFinding.Kind;
import cn.egov.addressplan.SiteObservation.HostName;
import cn.egov.addressplan.SiteObservation.InterfaceAddress;
import cn.egov.addressplan.SiteObservation.Lease;
import cn.egov.addressplan.SiteObservation.Neighbour;
import cn.egov.addressplan.SiteObservation.Route;
import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Allocation;
import cn.egov.rules.plan.DomainConvention;
import cn.egov.rules.plan.IpPrefix;
import cn.egov.rules.plan.Owner;
import cn.egov.rules.plan.PlanEntry;
import cn.egov.rules.plan.PrefixIndex;
import cn.egov.rules.unit.UnitCode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks what a box sees of its site against its unit's allocations and domain names. Every item
 * outside the unit's blocks becomes a {@link SiteFinding} that says who (if anyone) holds the
 * observed address and what to renumber it to: the same host offset inside the unit's block on
 * that link, moved on past addresses already in use. Names must lie in the unit's name space
 * ({@code <host>.<dept>.<place>.<internal-suffix>} or the unit's public names).
 *
 * <p>Loopback, link-local and multicast addresses, default routes and interfaces named in
 * {@code ignoredDevices} (the uplink, whose address the backbone assigns) are not checked.
 */
public final class ConformanceChecker {

    private static final List<IpPrefix> NOT_CHECKED = List.of(
            IpPrefix.parse("127.0.0.0/8"), IpPrefix.parse("169.254.0.0/16"), IpPrefix.parse("224.0.0.0/4"),
            IpPrefix.parse("0.0.0.0/32"), IpPrefix.parse("::1/128"), IpPrefix.parse("fe80::/10"), IpPrefix.parse("ff00::/8"));

    private final AddressPlan plan;
    private final Owner unit;
    private final List<Allocation> allocations;
    private final PrefixIndex<Allocation> own;
    private final PrefixIndex<PlanEntry> everyone;
    private final Set<String> ignoredDevices;
    private final List<String> suffixes;

    public ConformanceChecker(AddressPlan plan, UnitCode unit, Set<String> ignoredDevices) {
        this.plan = plan;
        this.unit = Owner.of(unit);
        this.allocations = plan.allocationsOf(this.unit);
        if (allocations.isEmpty()) {
            throw new IllegalArgumentException("the plan gives unit " + unit + " no allocation: nothing to check against");
        }
        this.own = PrefixIndex.of(allocations, Allocation::prefix);
        this.everyone = plan.index();
        this.ignoredDevices = Set.copyOf(ignoredDevices);
        this.suffixes = plan.domainSuffixes(this.unit);
    }

    public ConformanceReport check(SiteObservation site, List<String> problems, long time) {
        List<SiteFinding> out = new ArrayList<>();
        Map<Kind, Integer> checked = new EnumMap<>(Kind.class);
        Set<IpPrefix> inUse = new HashSet<>();
        site.addresses().forEach(a -> inUse.add(a.address().asAddress()));
        site.neighbours().forEach(n -> inUse.add(n.address()));
        site.leases().forEach(l -> inUse.add(l.address()));

        for (InterfaceAddress a : site.addresses()) {
            if (skip(a.device(), a.address())) {
                continue;
            }
            checked.merge(Kind.INTERFACE_ADDRESS, 1, Integer::sum);
            IpPrefix addr = a.address().asAddress();
            if (!own.contains(addr)) {
                out.add(address(Kind.INTERFACE_ADDRESS, new Subject("address " + a.address() + " on " + a.device(),
                        a.device() + " 上的本机地址 " + a.address()), addr,
                        a.address().network(), a.device(), site, inUse));
            }
        }
        for (Route r : site.routes()) {
            if (!r.connected() || r.destination().length() == 0 || skip(r.device(), r.destination())) {
                continue;
            }
            checked.merge(Kind.SUBNET, 1, Integer::sum);
            if (!own.contains(r.destination())) {
                out.add(subnet(r));
            }
        }
        for (Neighbour n : site.neighbours()) {
            if (skip(n.device(), n.address())) {
                continue;
            }
            checked.merge(Kind.NEIGHBOUR, 1, Integer::sum);
            if (!own.contains(n.address())) {
                out.add(address(Kind.NEIGHBOUR, new Subject("neighbour " + n.address() + " on " + n.device() + " (" + n.mac() + ")",
                                n.device() + " 上的邻居（" + n.mac() + "）" + n.address()),
                        n.address(), linkSubnet(site, n.device(), n.address()), n.device(), site, inUse));
            }
        }
        for (Lease l : site.leases()) {
            if (skip(null, l.address())) {
                continue;
            }
            checked.merge(Kind.LEASE, 1, Integer::sum);
            if (!own.contains(l.address())) {
                String dev = deviceFor(site, l.address());
                String who = l.mac() + (l.hostName().isEmpty() ? "" : ", " + l.hostName());
                out.add(address(Kind.LEASE, new Subject("lease " + l.address() + " (" + who + ") in " + l.file(),
                        l.file() + " 中的租约（" + who + "）" + l.address()), l.address(),
                        linkSubnet(site, dev, l.address()), dev, site, inUse));
            }
        }
        for (HostName h : site.hostNames()) {
            // only names of this site's hosts: addresses in the unit's blocks, or the box's own loopback names
            boolean local = own.contains(h.address()) || isLoopback(h.address());
            if (!local || h.name().indexOf('.') < 0) {
                continue;
            }
            checked.merge(Kind.HOST_NAME, 1, Integer::sum);
            String name = h.name().toLowerCase(java.util.Locale.ROOT);
            if (suffixes.stream().noneMatch(s -> name.equals(s) || name.endsWith("." + s))) {
                out.add(name(h, name));
            }
        }
        return new ConformanceReport(unit.code(), time, checked, out, problems);
    }

    private boolean skip(String device, IpPrefix p) {
        if (device != null && ignoredDevices.contains(device)) {
            return true;
        }
        return NOT_CHECKED.stream().anyMatch(n -> n.contains(p.network()));
    }

    private static boolean isLoopback(IpPrefix a) {
        return NOT_CHECKED.get(0).contains(a) || NOT_CHECKED.get(4).contains(a);
    }

    /** The connected subnet of a device holding {@code a}, else a /24 (/64) around it. */
    private static IpPrefix linkSubnet(SiteObservation site, String device, IpPrefix a) {
        for (Route r : site.routes()) {
            if (r.connected() && r.destination().length() > 0 && (device == null || device.equals(r.device()))
                    && r.destination().contains(a)) {
                return r.destination();
            }
        }
        return new IpPrefix(a.v6(), a.hi(), a.lo(), a.v6() ? 64 : 24).network();
    }

    private static String deviceFor(SiteObservation site, IpPrefix a) {
        for (Route r : site.routes()) {
            if (r.connected() && r.destination().length() > 0 && r.destination().contains(a)) {
                return r.device();
            }
        }
        return null;
    }

    /** The unit's block for a link: the one holding the box's own address there, else the first of the family. */
    private Allocation blockFor(SiteObservation site, String device, boolean v6) {
        for (InterfaceAddress a : site.addresses()) {
            if (device != null && device.equals(a.device()) && a.address().v6() == v6) {
                var hit = own.mostSpecific(a.address().asAddress());
                if (hit.isPresent()) {
                    return hit.get();
                }
            }
        }
        return allocations.stream().filter(x -> x.prefix().v6() == v6).findFirst().orElse(null);
    }

    private String holder(IpPrefix p) {
        return everyone.covering(p).stream().filter(e -> e instanceof Allocation).map(e -> ((Allocation) e).owner().code())
                .findFirst().orElse("");
    }

    private String expected(boolean v6) {
        return allocations.stream().filter(a -> a.prefix().v6() == v6).map(a -> a.prefix() + " (" + a.zone().label() + ")")
                .collect(Collectors.joining(", "));
    }

    /** What a finding is about, in English and in Chinese, e.g. "address 192.168.1.1/24 on eth1" / "eth1 上的本机地址 192.168.1.1/24". */
    private record Subject(String english, String chinese) {
    }

    private SiteFinding address(Kind kind, Subject subject, IpPrefix addr, IpPrefix subnet, String device,
                                SiteObservation site, Set<IpPrefix> inUse) {
        Allocation block = blockFor(site, device, addr.v6());
        String owner = holder(addr);
        String whose = owner.isEmpty() ? "in nobody's allocation" : "in " + owner + "'s allocation";
        String whoseChinese = owner.isEmpty() ? " 不在任何单位的分配中" : " 在 " + owner + " 的分配中";
        String family = "IPv" + (addr.v6() ? 6 : 4);
        if (block == null) {
            return new SiteFinding(kind, subject.english(), addr.toString(), "none for " + family, owner, "",
                    subject.english() + " is " + whose + "; the plan gives " + unit + " no " + family + " block",
                    subject.chinese() + whoseChinese + "；规划没有给 " + unit + " 分配 " + family + " 地址块，请联系省电子政务办。");
        }
        IpPrefix suggested = renumber(block.prefix(), subnet.offsetOf(addr), inUse);
        inUse.add(suggested);
        return new SiteFinding(kind, subject.english(), addr.toString(), expected(addr.v6()), owner, suggested.toString(),
                subject.english() + " is " + whose + ": renumber it to " + suggested + " in " + block.prefix(),
                subject.chinese() + whoseChinese + "：请改为 " + suggested + "（属于 " + block.prefix() + "）。");
    }

    /** Same host offset inside the block, skipping network/broadcast and addresses in use. */
    static IpPrefix renumber(IpPrefix block, long offset, Set<IpPrefix> inUse) {
        long size = block.size();
        long first = block.v6() || size <= 2 ? 0 : 1;
        long last = block.v6() || size <= 2 ? size - 1 : size - 2;
        long o = offset % size;
        if (o < first || o > last) {
            o = first;
        }
        for (long tries = 0; tries < size; tries++) {
            IpPrefix c = block.addressAt(o);
            if (!inUse.contains(c)) {
                return c;
            }
            o = o >= last ? first : o + 1;
        }
        return block.addressAt(o);
    }

    private SiteFinding subnet(Route r) {
        Allocation block = allocations.stream().filter(a -> a.prefix().v6() == r.destination().v6()).findFirst().orElse(null);
        String owner = holder(r.destination());
        String whose = owner.isEmpty() ? "in nobody's allocation" : "in " + owner + "'s allocation";
        String whoseChinese = owner.isEmpty() ? " 不在任何单位的分配中" : " 在 " + owner + " 的分配中";
        String subject = "subnet " + r.destination() + " on " + r.device();
        String subjectChinese = r.device() + " 上的子网 " + r.destination();
        if (block == null) {
            return new SiteFinding(Kind.SUBNET, subject, r.destination().toString(), "none", owner, "",
                    subject + " is " + whose + "; the plan gives " + unit + " no block of this family",
                    subjectChinese + whoseChinese + "；规划没有给 " + unit + " 分配这一类地址块，请联系省电子政务办。");
        }
        IpPrefix target = block.prefix().length() >= r.destination().length()
                ? block.prefix()
                : new IpPrefix(block.prefix().v6(), block.prefix().hi(), block.prefix().lo(), r.destination().length());
        return new SiteFinding(Kind.SUBNET, subject, r.destination().toString(), expected(r.destination().v6()), owner,
                target.toString(), subject + " is " + whose + ": renumber the link to " + target,
                subjectChinese + whoseChinese + "：请把这条链路改编为 " + target + "。");
    }

    private SiteFinding name(HostName h, String name) {
        String label = name.substring(0, name.indexOf('.'));
        String suggestion = DomainConvention.internalName(plan, unit, label)
                .or(() -> suffixes.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(label + "." + suffixes.get(0)))
                .orElse("");
        String expected = suffixes.isEmpty() ? "no name space declared for " + unit : String.join(" or ", suffixes.stream()
                .map(s -> "*." + s).toList());
        return new SiteFinding(Kind.HOST_NAME, "name " + name + " of " + h.address() + " (" + h.source() + ")", name, expected,
                "", suggestion, suggestion.isEmpty() ? "name " + name + " is outside " + unit + "'s name space; declare the unit's label and place in the plan"
                        : "rename " + name + " to " + suggestion,
                suggestion.isEmpty() ? "名称 " + name + " 不在 " + unit + " 的名称空间内；请在规划中声明本单位的标签和所在地。"
                        : "请把 " + name + " 改名为 " + suggestion + "。");
    }
}
