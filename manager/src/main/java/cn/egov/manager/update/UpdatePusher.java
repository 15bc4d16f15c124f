package cn.egov.manager.update;

import cn.egov.api.policy.PolicyScope;
import cn.egov.api.topic.KuraTopic;
import cn.egov.api.update.UpdateWire;
import cn.egov.api.update.UpdateWire.State;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Pushes a signed update to the boxes of a scope: for each box of the fleet inside both the push's
 * scope and the scope the update is signed for, records a request (REQUESTED) and publishes it on
 * the box's {@code $EDC/<account>/<unit>/UPDATE/EXEC/install} (not retained: a box that is offline
 * is pushed again when it is back). The request carries the file's SHA-256 and size and its URL on
 * the download server; the file itself does not go through the broker.
 */
public final class UpdatePusher {

    /** Most boxes one push may address (a province is about 2,000; more is a mistake in the scope). */
    static final int MAX_UNITS = 5000;
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(30);

    /** Why a push was refused, for the API's status code. */
    public static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** @param units the units sent a request; @param unsent those the broker did not take (recorded REFUSED) */
    public record Outcome(long serial, String version, List<String> units, List<String> unsent) {
    }

    private final BoxUpdateSigner updates;
    private final UpdateFiles files;
    private final UpdatePushes pushes;
    private final BoxMessenger messenger;
    private final Supplier<List<BoxState>> fleet;
    private final String account;
    private final URI downloadBase;
    private final Clock clock;

    /** @param downloadBase the download server as boxes reach it ({@code https://host:port}), or null when there is none */
    public UpdatePusher(BoxUpdateSigner updates, UpdateFiles files, UpdatePushes pushes, BoxMessenger messenger,
                        Supplier<List<BoxState>> fleet, String account, URI downloadBase, Clock clock) {
        this.updates = updates;
        this.files = files;
        this.pushes = pushes;
        this.messenger = messenger;
        this.fleet = fleet;
        this.account = account;
        this.downloadBase = downloadBase;
        this.clock = clock;
    }

    public Outcome push(long serial, PolicyScope scope, String by) throws Refused, SQLException, IOException {
        if (downloadBase == null) {
            throw new Refused(503, "no download server for boxes (update.port is not set, or no provincial CA): boxes could not fetch the file");
        }
        BoxUpdateSigner.Issued issued = updates.issued(serial)
                .orElseThrow(() -> new Refused(404, "no update serial " + serial + " was signed here ('manager update sign')"));
        if (!Files.isRegularFile(files.path(serial))) {
            throw new Refused(409, "update serial " + serial + " has no file " + files.path(serial) + " (signed before files were kept: sign it again)");
        }
        PolicyScope target = scope == null ? issued.scope() : scope;
        List<String> units = new ArrayList<>();
        for (BoxState b : fleet.get()) {
            if (UnitCode.isValid(b.clientId())) {
                UnitCode u = UnitCode.parse(b.clientId());
                if (target.includes(u) && issued.scope().includes(u)) {
                    units.add(b.clientId());
                }
            }
        }
        if (units.isEmpty()) {
            throw new Refused(422, "no box of the fleet is in " + target + " and in update serial " + serial + "'s signed scope " + issued.scope());
        }
        if (units.size() > MAX_UNITS) {
            throw new Refused(422, target + " holds " + units.size() + " boxes, more than " + MAX_UNITS + " at once: push a narrower scope");
        }
        UpdateFiles.Digest d = files.digest(serial);
        URI url = downloadBase.resolve(UpdateFileServer.PATH + serial);
        Instant now = clock.instant();
        List<BoxMessenger.Outgoing> out = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String unit : units) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            // recorded before it is sent: the box's first report finds its row
            pushes.requested(new UpdatePushes.Push(id, serial, unit, State.REQUESTED, "request sent", by, now, now));
            UpdateWire.Request r = new UpdateWire.Request(id, UnitCode.parse(unit), serial, d.sha256(), d.size(), url);
            out.add(new BoxMessenger.Outgoing(KuraTopic.control(account, unit, UpdateWire.APP_ID, UpdateWire.EXEC_RESOURCE), r.toPayload()));
        }
        boolean[] ok = messenger.publishAll(out, PUBLISH_WAIT);
        List<String> unsent = new ArrayList<>();
        for (int i = 0; i < ok.length; i++) {
            if (!ok[i]) {
                unsent.add(units.get(i));
                pushes.report(units.get(i), ids.get(i), serial, State.REFUSED, "the manager's broker did not take the request: push again",
                        clock.instant());
            }
        }
        return new Outcome(serial, issued.version(), units, unsent);
    }
}
