package cn.egov.exchange.web;

import java.util.Objects;

/**
 * Why the exchange is not serving a clerk yet (or not this clerk), in Chinese for the 公文交换 page,
 * which shows it first, and in English, shown after it and alone in the log and to a JSON client.
 * Both are written together where the reason is found.
 */
public record NotReady(String chinese, String english) {
    /** Before the first attempt to start has ended. */
    public static final NotReady STARTING = new NotReady("正在启动，请稍后刷新本页。", "starting");

    public NotReady {
        Objects.requireNonNull(chinese, "chinese");
        Objects.requireNonNull(english, "english");
    }
}
