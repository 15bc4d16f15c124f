#!/usr/bin/env bash
# Footprint benchmark of the box: resident memory when idle and time from process start to the
# first BIRTH on a real Mosquitto, with the JVM flags of bin/appliance (-Xmx64m ...). Same-run
# baseline: the same launcher and flags with only Felix + SCR/ConfigAdmin/Metatype (no box bundles).
#   bench/footprint/run.sh [DIST]     DIST = appliance/<build dir>/dist (default: appliance/target/dist)
# Env: RUNS (default 3), IDLE_S (seconds idle before sampling RSS, default 20). Prints a Markdown table.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIST=$(cd "${1:-$ROOT/appliance/target/dist}" && pwd)
RUNS=${RUNS:-3}
IDLE_S=${IDLE_S:-20}
RSS_SAMPLES=5
BIRTH_TIMEOUT_S=60
UNIT=130602-001
WORK=$(mktemp -d /tmp/egov-footprint.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# CPU time (user + system, ms) the process used so far: unlike wall time, not inflated by a busy machine.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }

PORT=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$PORT" > "$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
PIDS+=($!)
sleep 0.5

# Box configuration: the shipped defaults, pointed at this broker; no isolation policy (the
# benchmark leaves the host's firewall alone).
mkdir -p "$WORK/config-box" "$WORK/config-empty" "$WORK/bundles-baseline"
cp "$DIST"/config/*.cfg "$WORK/config-box/"
sed -i "s|^broker.url = .*|broker.url = tcp://127.0.0.1:$PORT|" "$WORK/config-box/cn.egov.telemetry.cfg"
printf 'policy.directory = ${data}/no-policy\nlock.file = ${data}/nft.lock\n' > "$WORK/config-box/cn.egov.isolation.enforce.cfg"
for b in org.apache.felix.scr org.apache.felix.configadmin org.apache.felix.metatype org.osgi.service.log; do
  ln -s "$DIST"/bundles/$b-*.jar "$WORK/bundles-baseline/"
done

# run NAME CONFIG BUNDLES WAIT_FOR_BIRTH -> "ready_ms cpu_ms_at_ready rss_median_kb rss_max_kb"
run() {
  local name=$1 config=$2 bundles=$3 birth=$4 data="$WORK/data-$1" sub=""
  rm -rf "$data"
  if [ "$birth" = yes ]; then
    mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -C 1 -W "$BIRTH_TIMEOUT_S" -t "\$EDC/hebei/$UNIT/MQTT/BIRTH" > /dev/null &
    sub=$!
    sleep 0.3
  fi
  local t0; t0=$(now_ms)
  "$DIST/bin/appliance" run --config "$config" --data "$data" --bundles "$bundles" > "$WORK/$name.log" 2>&1 &
  local box=$!
  local ready
  if [ "$birth" = yes ]; then
    wait "$sub" || { echo "no BIRTH within ${BIRTH_TIMEOUT_S}s; log: $(tail -5 "$WORK/$name.log")" >&2; kill "$box"; return 1; }
    ready=$(( $(now_ms) - t0 ))
  else
    until [ -f "$data/status.txt" ]; do sleep 0.02; done
    ready=$(( $(now_ms) - t0 ))
  fi
  local cpu; cpu=$(cpu_ms "$box")
  sleep "$IDLE_S"
  local samples=()
  for _ in $(seq $RSS_SAMPLES); do samples+=("$(rss_kb "$box")"); sleep 1; done
  kill "$box"; wait "$box" 2>/dev/null || true
  local sorted; sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
  echo "$ready $cpu $(echo "$sorted" | sed -n "$(( (RSS_SAMPLES + 1) / 2 ))p") $(echo "$sorted" | tail -1)"
}

echo "| run | configuration | ready, wall (ms) | CPU used until ready (ms) | idle RSS median (MB) | idle RSS max (MB) |"
echo "|---|---|---|---|---|---|"
echo "<!-- $(date -u +%FT%TZ); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1) -->"
for i in $(seq "$RUNS"); do
  read -r ms cpu med max < <(run "baseline-$i" "$WORK/config-empty" "$WORK/bundles-baseline" no)
  printf '| %d | baseline: Felix + SCR/CM/Metatype, no box bundles (ready = status file written) | %d | %d | %.1f | %.1f |\n' "$i" "$ms" "$cpu" "$(awk "BEGIN{print $med/1024}")" "$(awk "BEGIN{print $max/1024}")"
  read -r ms cpu med max < <(run "box-$i" "$WORK/config-box" "$DIST/bundles" yes)
  printf '| %d | box: all bundles, default config (ready = first BIRTH at mosquitto_sub) | %d | %d | %.1f | %.1f |\n' "$i" "$ms" "$cpu" "$(awk "BEGIN{print $med/1024}")" "$(awk "BEGIN{print $max/1024}")"
done
