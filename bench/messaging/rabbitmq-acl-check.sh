#!/bin/bash
# One RabbitMQ 3.10 node with the MQTT plugin: does a topic permission with {client_id} confine a box to its own topics?
set -u
D=$(mktemp -d /tmp/rabbitmq-acl-check.XXXX); P=$((20000 + RANDOM % 20000)); A=$((P+1))
export HOME=$D RABBITMQ_NODENAME=aclprobe@localhost RABBITMQ_MNESIA_BASE=$D/mnesia RABBITMQ_LOG_BASE=$D/log \
  RABBITMQ_CONFIG_FILE=$D/rabbitmq.conf RABBITMQ_ENABLED_PLUGINS_FILE=$D/enabled_plugins RABBITMQ_PID_FILE=$D/pid RABBITMQ_DIST_PORT=$((P+2))
echo "cookie$RANDOM$RANDOM" > $D/.erlang.cookie; chmod 400 $D/.erlang.cookie
echo '[rabbitmq_mqtt].' > $D/enabled_plugins
printf 'listeners.tcp.default = 127.0.0.1:%s\nmqtt.listeners.tcp.default = 127.0.0.1:%s\nmqtt.allow_anonymous = false\n' $A $P > $D/rabbitmq.conf
EPMD_BEFORE=$(pgrep -x epmd)
cd "$D" # Mnesia writes its crash dumps into the working directory: keep them out of the checkout
/usr/lib/rabbitmq/bin/rabbitmq-server > $D/out 2>&1 & SRV=$!
for i in $(seq 1 120); do /usr/lib/rabbitmq/bin/rabbitmqctl await_startup >/dev/null 2>&1 && break; sleep 1; done
C=/usr/lib/rabbitmq/bin/rabbitmqctl
$C add_user box1 secret1 >/dev/null; $C set_permissions box1 '^mqtt-subscription-{client_id}qos[01]$' '^(amq\.topic|mqtt-subscription-{client_id}qos[01])$' '^(amq\.topic|mqtt-subscription-{client_id}qos[01])$' >/dev/null
# MQTT topic hebei/<client>/... is routing key hebei.<client>....: a box may publish only under its own client id.
# 3.10 does not tie the client id to the user: manager/rabbitmq/egov-rabbitmq-users writes the unit into each user's own patterns instead
$C set_topic_permissions box1 amq.topic '^hebei\.{client_id}\.' '^\$EDC\.hebei\.{client_id}\.' >/dev/null
mosquitto_pub -p $P -u box1 -P secret1 -i 130602-001 -q 1 -t hebei/130602-001/HEALTH/status -m ok; echo "own topic: exit $?"
mosquitto_pub -p $P -u box1 -P secret1 -i 130602-001 -q 1 -t hebei/130602-002/HEALTH/status -m forged; echo "other box's topic: exit $?"
mosquitto_pub -p $P -u box1 -P wrong -i 130602-001 -q 1 -t hebei/130602-001/HEALTH/status -m x; echo "wrong password: exit $?"
# revocation: a connected box, then its user is deleted
mosquitto_sub -p $P -u box1 -P secret1 -i 130602-001 -q 1 -t '$EDC/hebei/130602-001/POLICY/PUT/bundle' -v > $D/sub.out 2>&1 & SUB=$!
sleep 2; T0=$(date +%s.%N); $C delete_user box1 >/dev/null
for i in $(seq 1 50); do kill -0 $SUB 2>/dev/null || break; sleep 0.2; done
if kill -0 $SUB 2>/dev/null; then echo "after delete_user: the connected box is STILL connected after 10 s"; kill $SUB;
$C list_connections user peer_port state 2>/dev/null | tail -n +2; else echo "after delete_user: disconnected in $(echo "$(date +%s.%N) - $T0" | bc) s"; fi
kill -9 $SRV; sleep 1
# the wrapper script is gone; its Erlang VM runs with -home $D (a folder only this run uses): end that process by its id
for p in $(pgrep -f -- "-home $D"); do kill -9 $p; done
[ -z "$EPMD_BEFORE" ] && for p in $(pgrep -x epmd); do kill -9 $p; done
rm -rf $D
