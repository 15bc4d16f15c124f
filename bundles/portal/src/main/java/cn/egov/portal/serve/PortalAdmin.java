package cn.egov.portal.serve;

import cn.egov.api.portal.EmergencyNotice;
import cn.egov.portal.mirror.SyncOutcome;
import cn.egov.portal.notice.NoticeBoard;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** What the box-local admin endpoint ({@code appliance portal ...}) may ask of the running mirror. */
public interface PortalAdmin {

    /** Sites served with version, time, expiry and open notices; JSON-ready maps. */
    Map<String, Object> status();

    /** Publishes an emergency notice on one of this unit's sites. */
    EmergencyNotice notice(String site, String title, String body) throws NoticeBoard.Refused, IOException;

    /** Serves an older kept version of a site. */
    SyncOutcome rollback(String site, long version) throws IOException;

    /** Asks the manager now instead of at the next poll. */
    List<SyncOutcome> syncNow();
}
