package cn.egov.api.telemetry;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every alarm kind the box bundles and the manager raise, with its Chinese name and one Chinese
 * sentence saying what it means and what to do: the one place the consoles (box self-test, the
 * manager's NOC, duty, portal and policy pages) look a kind up. The wire format does not change: an
 * {@link Alarm} still carries only its kind and English message, so old boxes and stored alarms
 * show as before, now with the Chinese beside them. A kind not listed here (a newer box's) is shown
 * by its kind alone ({@link #of}).
 *
 * <p>{@code AlarmCatalogueCoversEveryKindTest} scans the main sources for the kinds they raise and
 * fails when one has no entry here. Example:
 * <pre>{@code
 * AlarmCatalogue.of("vpn.down").label()   // "隧道中断 vpn.down"
 * AlarmCatalogue.of("x.new").label()      // "x.new"
 * }</pre>
 */
public final class AlarmCatalogue {

    private static final List<AlarmKind> ENTRIES = List.of(
            // isolation: what the traffic monitor saw (违规外联 and the other findings)
            new AlarmKind("isolation.outbound", "违规外联",
                    "内网主机向政务规划地址以外的地址发送了数据；请按告警中的地址找到这台主机，断开它的外网连接并查明原因。"),
            new AlarmKind("isolation.outbound-dns", "违规外联（域名查询）",
                    "内网主机向规划以外的域名服务器（如公共DNS）发出了查询；请把该主机的DNS改为规划内的服务器并查明原因。"),
            new AlarmKind("isolation.backbone-bypass", "绕过隧道访问骨干网",
                    "有流量未经VPN隧道直接发往骨干网地址；请检查该主机和本机的路由，确保去往骨干网的流量都走隧道。"),
            new AlarmKind("isolation.cross-zone", "跨区违规流量",
                    "两个网络区域之间出现了策略不允许的流量；请按告警中的地址找到主机，检查接线和交换机配置。"),
            new AlarmKind("isolation.dual-homed", "一机两网",
                    "同一个网卡地址（MAC）出现在两个区域，说明有主机同时接入两个网络；请找到该主机，拔掉其中一根网线。"),
            new AlarmKind("isolation.unzoned-interface", "未划区接口有流量",
                    "策略没有给这个网口划分区域，但它上面有流量；请检查接线，或在策略中为该网口指定区域。"),
            new AlarmKind("isolation.unplanned-host", "私接设备",
                    "局域网中出现了规划地址以外的主机；请按告警中的地址和网卡地址找到这台设备，核实后移除或按规划重新分配地址。"),
            // isolation: the firewall and its policy
            new AlarmKind("isolation.denied", "流量被拦截",
                    "防火墙按策略拦截了一次连接；偶尔出现属正常，同一主机反复出现时请查明它为何访问被禁止的地址。"),
            new AlarmKind("isolation.denied.summary", "大量流量被拦截",
                    "一次检查中被拦截的连接太多，只统计了数量；请在本机控制台查看被拦截的地址，找出反复访问的主机。"),
            new AlarmKind("isolation.policy.rejected", "策略被拒绝",
                    "新的隔离策略无效或无法生效，原来的规则仍在执行；请按告警中的错误修改策略文件后重新下发。"),
            new AlarmKind("isolation.policy.drift", "防火墙被改动",
                    "防火墙中的规则与策略不一致，可能有人手工改动过；本机会自动恢复，请查明是谁改动的。"),
            new AlarmKind("isolation.policy.restored", "防火墙已恢复",
                    "本机发现防火墙被改动后重新写入了策略（级别为CRITICAL表示写入失败，须立即到现场处理）；请对照前一条“防火墙被改动”告警查明改动来源。"),
            new AlarmKind("isolation.policy.bundle.rejected", "策略包被拒绝",
                    "省里下发的签名策略包未通过校验（签名、证书或序号不对），本机未采用；请联系省网管中心重新下发。"),
            new AlarmKind("isolation.capture-drops", "抓包丢包",
                    "流量监测来不及处理，漏看了部分数据包；请检查本机负载，必要时减少监测的网口。"),
            new AlarmKind("isolation.monitor-failed", "流量监测未运行",
                    "流量监测没有启动，违规外联将无法发现；请按告警中的原因检查策略目录和网口设置后重启监测。"),
            new AlarmKind("isolation.alarms-suppressed", "告警过多已限流",
                    "违规流量超过告警速率上限，多出的只计数不再逐条上报；请尽快处理已上报的违规主机。"),
            new AlarmKind("isolation.monitor-table-overflow", "监测表已满",
                    "流量监测的记录表满了并已清空，部分流量可能会再次上报；网络中连接异常多时请查明原因。"),
            // isolation: the route guard
            new AlarmKind("isolation.route.internet", "隔离网可路由到互联网",
                    "系统路由显示隔离区的主机能通往互联网；请立即检查本机的路由和网关设置，删除这条通路。"),
            new AlarmKind("isolation.route.from-internet", "互联网可路由到隔离网",
                    "系统路由显示从互联网可以进入隔离区；请立即检查本机的路由设置，删除这条通路。"),
            new AlarmKind("isolation.route.split-default", "拆分默认路由",
                    "发现了用两条半边路由绕过默认路由限制的设置；请删除这些路由并查明是谁添加的。"),
            new AlarmKind("isolation.route.guard", "路由防护异常",
                    "本机的路由防护规则无法生效或曾被改动（已恢复）；请检查本机的路由设置，查明改动来源。"),
            new AlarmKind("isolation.route.check-failed", "路由检查失败",
                    "系统对路由查询给出了无法判断的结果；请检查本机的路由表，问题持续时请联系省网管中心。"),
            // address plan
            new AlarmKind("addressplan.check", "地址规划检查失败",
                    "地址规划检查无法运行（如规划文件读不出）；请按告警中的原因检查规划文件，修好后会自动重试。"),
            // telemetry
            new AlarmKind("outbox.eviction", "上报队列已满",
                    "上报数据积压，最旧的低优先级数据正在被丢弃；请检查到省里的网络连接是否中断。"),
            new AlarmKind("outbox.overflow", "上报队列溢出",
                    "高优先级的上报数据也超出了队列容量并仍在增长；请尽快恢复到省里的网络连接。"),
            // vpn
            new AlarmKind("vpn.down", "隧道中断",
                    "到骨干网的VPN隧道断了；请检查外网线路和本机证书，线路恢复后隧道会自动重连。"),
            // pki
            new AlarmKind("pki.not-enrolled", "未申请证书",
                    "本机还没有省CA签发的证书，隧道和上报都无法使用；请运行 appliance setup，用一次性口令申请证书。"),
            new AlarmKind("pki.renewal-failed", "证书续期失败",
                    "证书自动续期没有成功；请检查到省CA的网络连接，并在证书过期前重新续期。"),
            new AlarmKind("pki.foreign-ca", "发现非省CA证书",
                    "信任库中有不是省CA签发的根证书，而全省只允许一个CA；请删除该证书并查明来源。"),
            new AlarmKind("pki.trust-store-unreadable", "信任库无法读取",
                    "证书信任库文件读不出；请检查该文件是否存在、权限是否正确，必要时重新申请证书。"),
            // exchange (公文交换)
            new AlarmKind("exchange.inbound.full", "收文队列已满",
                    "本机接收公文的队列满了，交换中心会稍后重发；请检查本机的公文服务是否正常处理收文。"),
            new AlarmKind("exchange.receipt.refused", "回执被拒绝",
                    "收到的公文回执未通过校验，没有记录；请按告警中的原因检查对方单位的证书。"),
            new AlarmKind("exchange.backlog", "交换中心积压",
                    "交换中心待处理的各单位消息接近上限；请检查交换中心的数据库和处理速度。"),
            new AlarmKind("exchange.sends.backlog", "交换中心待发积压",
                    "交换中心等待发出的公文接近上限；请检查收文单位是否在线、网络是否畅通。"),
            // duty (值班)
            new AlarmKind("duty.deadline.approaching", "报告时限将到",
                    "一份值班报告快到报送时限还未报送；请尽快填报，来不及时先电话报告。"),
            new AlarmKind("duty.deadline.missed", "报告已超时",
                    "一份值班报告已过报送时限仍未报送；请立即填报并电话说明原因。"),
            new AlarmKind("duty.report.unacknowledged", "报告无人签收",
                    "报告在时限内没有被签收，已按升级链上报；请值班人员尽快签收处理。"),
            new AlarmKind("duty.report.refused", "报告被拒收",
                    "某单位报来的值班报告不合规（发送方不符、序号错乱或内容有误），没有收下；请联系该单位核实后重报。"),
            new AlarmKind("duty.report.late", "初报迟报",
                    "初报晚于书面报送时限才报来；请向该单位了解迟报原因。"),
            new AlarmKind("duty.receipts.dropped", "签收回执丢弃",
                    "发往各单位的签收回执队列满了，部分回执未发出；各单位下次连接时会收到最新回执，请检查消息服务。"),
            // portal (门户网站群)
            new AlarmKind("portal.snapshot.rejected", "网站快照被拒绝",
                    "省里下发的网站快照未通过校验，本机继续使用原来的版本；请联系省网管中心重新发布。"),
            new AlarmKind("portal.file.tampered", "网页被篡改",
                    "镜像网站中的文件与签名清单不一致，可能被篡改；本机已停止提供该文件并重新下载，请查明是谁改动的。"),
            new AlarmKind("portal.site.unreachable", "网站无法访问",
                    "本机的网站服务打不开该网站首页；请检查本机网站服务是否运行。"),
            new AlarmKind("portal.site.stale", "网站内容过期",
                    "网站首页太久没有更新；请检查快照同步是否正常，或提醒网站负责人更新内容。"),
            new AlarmKind("portal.manifest.expired", "网站快照过期",
                    "正在提供的网站快照已超过有效期，连上省里后会更新；请检查到省里的网络连接。"),
            new AlarmKind("portal.notice.rejected", "紧急公告被拒收",
                    "某单位提交的紧急公告未通过校验，没有发布；请按告警中的原因联系该单位核实。"),
            new AlarmKind("portal.queue.full", "网站上报队列已满",
                    "管理端处理网站上报的队列满了，该单位下次轮询时会补上；问题持续时请检查管理端负载。"),
            // console
            new AlarmKind("console.audit-bound", "审计日志已满",
                    "本机控制台的审计日志达到条数上限，删除了保留期内的记录；请调大 audit.max.rows。"),
            // the manager's own
            new AlarmKind("broker.backlog", "消息服务积压",
                    "管理端消息服务内存中积压的数据接近上限；请检查数据入库是否变慢或停止。"),
            new AlarmKind("broker.dead-letter", "消息无法投递",
                    "消息服务中有无法投递的消息被放到一边；请在 /api/broker/set-aside 查看是哪台设备和主题，处理后清除。"),
            new AlarmKind("broker.expired", "消息已过期",
                    "消息服务中有过期未投递的消息被放到一边；请在 /api/broker/set-aside 查看是哪台设备和主题，处理后清除。"),
            new AlarmKind("broker.connection-refused", "连接被拒绝",
                    "有设备连接消息服务被拒绝（如证书无效或已吊销、口令不对、设备号与证书不符、单位不在地址规划中）；请按告警中的原因和设备号核实。"),
            new AlarmKind("broker.access-refused", "访问被拒绝",
                    "有设备访问了不属于它的消息主题被拒绝；请按告警中的设备号查明其配置是否正确。"),
            new AlarmKind("broker.packet-too-large", "报文超长被拒",
                    "有设备发来的报文超过 broker.max-packet-bytes，未读取即断开了连接；请按告警中的地址查明该设备为何发送超长报文。"),
            new AlarmKind("broker.auth-busy", "认证请求过多",
                    "RabbitMQ 的登录认证请求超过了排队上限，多出的登录被拒绝，设备会稍后重连；持续出现时请检查管理端负载或调大 broker.rabbitmq.auth.queue。"),
            new AlarmKind("http.connection-limit", "连接数已满",
                    "网页或数据服务打开的连接达到了上限，新的连接要等已有连接关闭才会被接受；持续出现时请查明是否有异常客户端大量占用连接，必要时调大告警中的连接上限。"),
            new AlarmKind("broker.connection-limit", "设备连接数将满",
                    "连接消息服务的设备数接近 broker.max-connections 上限，超出的连接会被直接断开；请核实设备数量，必要时调大该上限或增加管理节点。"),
            new AlarmKind("broker.noc.connection-limit", "网管连接数将满",
                    "网管监听端口的连接数接近 broker.noc.max-connections 上限，超出的连接会被直接断开；请检查是否有程序反复连接而不断开。"),
            new AlarmKind("ingest.backlog", "数据入库积压",
                    "待入库的设备数据接近队列上限；请检查管理端数据库是否变慢。"),
            new AlarmKind("ingest.listeners.backlog", "数据处理积压",
                    "已入库但尚未处理的数据接近上限；请检查管理端的负载和日志。"),
            new AlarmKind("ingest.unknown-unit", "未知单位的数据",
                    "收到了未登记或已注销单位的数据，没有入库；请核实该单位是否已登记、证书是否有效。"),
            new AlarmKind("policy.catchup.dropped", "策略补发丢弃",
                    "策略补发队列满了，该单位下次连接时会收到策略；问题持续时请检查管理端负载。"),
            new AlarmKind("noc.series.dropped", "监控曲线缺数据",
                    "部分健康数据没有画进曲线（已保存）；请检查管理端负载，必要时调大 noc.series.queue。"),
            new AlarmKind("alarms.dropped", "告警未记录",
                    "同时等待记录的告警太多，部分告警没有记录；请尽快处理告警来源并检查管理端。"));

    private static final Map<String, AlarmKind> BY_KIND = byKind();

    private AlarmCatalogue() {
    }

    /** The entry for a kind; for a kind not listed (a newer box's), one named by the kind itself with no advice. */
    public static AlarmKind of(String kind) {
        AlarmKind k = kind == null ? null : BY_KIND.get(kind);
        return k != null ? k : new AlarmKind(kind == null ? "" : kind, kind == null ? "" : kind, "");
    }

    /** Every entry, in the catalogue's order (grouped by capability). */
    public static Collection<AlarmKind> all() {
        return BY_KIND.values();
    }

    private static Map<String, AlarmKind> byKind() {
        Map<String, AlarmKind> m = new LinkedHashMap<>();
        for (AlarmKind k : ENTRIES) {
            if (m.put(k.kind(), k) != null) {
                throw new IllegalStateException("alarm catalogue: kind " + k.kind() + " listed twice");
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
