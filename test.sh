#!/usr/bin/env bash
# Runs every test: unit tests, real-kernel tests in network namespaces (needs root),
# and the end-to-end tests against real Mosquitto, strongSwan and nftables.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
