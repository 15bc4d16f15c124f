package cn.egov.manager.portal;

import cn.egov.api.portal.SiteNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The province's website tree from the registered sites: the parent of a site is the site of its
 * owner's nearest ancestor that has one (a department site hangs under its county's portal, or its
 * city's when the county has none; a county portal under its city's; a city's under the
 * province's). Computed at each signing, so a portal registered later takes its place in the next
 * versions of the sites below it.
 */
final class SiteTree {

    private SiteTree() {
    }

    static List<SiteNode> nodes(List<PortalStore.Site> sites) {
        Map<String, String> siteOfOwner = new HashMap<>();
        for (PortalStore.Site s : sites) {
            siteOfOwner.putIfAbsent(s.owner(), s.site());
        }
        List<SiteNode> out = new ArrayList<>();
        for (PortalStore.Site s : sites) {
            String parent = "";
            for (String a : ancestors(s.owner())) {
                String p = siteOfOwner.get(a);
                if (p != null && !p.equals(s.site())) {
                    parent = p;
                    break;
                }
            }
            out.add(new SiteNode(s.site(), s.owner(), parent, s.mirrors()));
        }
        return out;
    }

    /** Owners above {@code owner}, nearest first: a unit's county, city, province. */
    static List<String> ancestors(String owner) {
        List<String> out = new ArrayList<>();
        String division = owner.length() > 6 ? owner.substring(0, 6) : owner;
        if (owner.length() > 6) {
            out.add(division);
        }
        if (division.length() >= 6) {
            out.add(division.substring(0, 4));
        }
        if (division.length() >= 4) {
            out.add(division.substring(0, 2));
        }
        return out;
    }
}
