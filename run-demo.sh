#!/usr/bin/env bash
# One-command demo: builds everything, starts the manager (embedded MQTT broker + SQLite) and one
# local edge box pointing at it, prints the fleet page URL, and stops both on Ctrl-C.
#   ./run-demo.sh                      ports: BROKER_PORT (default 1883), WEB_PORT (default 8080)
#   SKIP_BUILD=1 ./run-demo.sh         reuse the last build
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
BUILD_DIR=${EGOV_BUILD_DIR:-target}
BROKER_PORT=${BROKER_PORT:-1883}
WEB_PORT=${WEB_PORT:-8080}
DEMO=${DEMO_DIR:-$ROOT/run/demo}
READY_TIMEOUT_S=120

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building (mvn -q -DskipTests package) ..."
  mvn -q -B -DskipTests -Degov.buildDir="$BUILD_DIR" package
fi

BOX_DIST=$ROOT/appliance/$BUILD_DIR/dist
MANAGER_JAR=$(ls "$ROOT"/manager/"$BUILD_DIR"/manager-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -1 || true)
[ -x "$BOX_DIST/bin/appliance" ] || { echo "no box distribution in $BOX_DIST: build first" >&2; exit 1; }
[ -n "$MANAGER_JAR" ] || { echo "no manager jar in manager/$BUILD_DIR: build first" >&2; exit 1; }

mkdir -p "$DEMO"
NOC_TOKEN=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat > "$DEMO/manager.properties" <<CONF
# written by run-demo.sh
data.dir = $DEMO/manager-data
broker.port = $BROKER_PORT
web.port = $WEB_PORT
auth.noc.token = $NOC_TOKEN
CONF
chmod 600 "$DEMO/manager.properties"   # it holds the NOC token: the manager refuses a file others can read

# The box: the shipped default configuration, pointed at the manager's broker.
rm -rf "$DEMO/box-config"
cp -r "$BOX_DIST/config" "$DEMO/box-config"
sed -i "s|^broker.url = .*|broker.url = tcp://127.0.0.1:$BROKER_PORT|; s|^outbox.sync = .*|outbox.sync = NORMAL|" \
  "$DEMO/box-config/cn.egov.telemetry.cfg"
# No isolation policy in the demo: the box leaves this machine's firewall alone.
printf 'policy.directory = ${data}/policy\nlock.file = ${data}/nft.lock\n' > "$DEMO/box-config/cn.egov.isolation.enforce.cfg"

PIDS=()
stop() {
  trap - INT TERM EXIT
  echo; echo "stopping ..."
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  exit 0
}
trap stop INT TERM EXIT

EGOV_BUILD_DIR="$BUILD_DIR" "$ROOT/manager/bin/manager" run --config "$DEMO/manager.properties" > "$DEMO/manager.log" 2>&1 &
PIDS+=($!)
echo "manager starting (log: $DEMO/manager.log) ..."
for _ in $(seq "$READY_TIMEOUT_S"); do
  grep -q "^fleet: " "$DEMO/manager.log" && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { echo "the manager exited:" >&2; tail -20 "$DEMO/manager.log" >&2; exit 1; }
  sleep 1
done
grep -q "^fleet: " "$DEMO/manager.log" || { echo "the manager did not report ready in ${READY_TIMEOUT_S}s" >&2; exit 1; }
FLEET_URL=$(grep -m1 "^fleet: " "$DEMO/manager.log" | sed 's/^fleet: //')

"$BOX_DIST/bin/appliance" run --config "$DEMO/box-config" --data "$DEMO/box-data" > "$DEMO/box.log" 2>&1 &
PIDS+=($!)
echo "box 130602-001 starting (log: $DEMO/box.log; status: $BOX_DIST/bin/appliance status --data $DEMO/box-data)"

echo
echo "fleet page: ${FLEET_URL/http:\/\//http://noc:$NOC_TOKEN@}"
echo "  (user noc, password $NOC_TOKEN; the box appears within a few seconds)"
echo "box config: $DEMO/box-config (edit a file: the running box is reconfigured)"
echo "Ctrl-C stops both."
wait -n "${PIDS[@]}" || true
echo "a process exited; see $DEMO/manager.log and $DEMO/box.log"
