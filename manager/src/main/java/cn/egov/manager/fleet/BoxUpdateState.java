package cn.egov.manager.fleet;

import cn.egov.api.update.UpdateWire;
import java.time.Instant;

/**
 * Where a box stands with its newest box update (the update part's newest push to it, as the box
 * reported it): for the fleet page and the NOC's unit page.
 *
 * @param serial    the update's serial
 * @param version   the version it installs
 * @param state     the push's state as the box last reported it
 * @param message   the box's last line about it (box text: shown escaped)
 * @param updatedAt when the state last changed
 */
public record BoxUpdateState(long serial, String version, UpdateWire.State state, String message, Instant updatedAt) {

    /** The state in Chinese and English, as the pages show it. */
    public String label() {
        return switch (state) {
            case REQUESTED -> "已推送 pushed";
            case DOWNLOADING -> "下载中 downloading";
            case INSTALLING -> "安装中 installing";
            case DONE -> "已安装 installed";
            case REFUSED -> "失败 failed";
            case ROLLED_BACK -> "已回滚 rolled back";
        };
    }

    /** A CSS class for the state: ok, warn (in flight), bad (refused or rolled back). */
    public String css() {
        return switch (state) {
            case DONE -> "ok";
            case REQUESTED, DOWNLOADING, INSTALLING -> "warn";
            case REFUSED, ROLLED_BACK -> "bad";
        };
    }
}
