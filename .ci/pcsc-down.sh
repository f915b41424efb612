#!/usr/bin/env bash
# Stop what pcsc-up.sh and the PC/SC suites started: every process with a PID file in the run
# dir (simulators first, pcscd last), by PID only. Idempotent.
#   PCSC_RUN_DIR  as for pcsc-up.sh (default /tmp/idproof-pcsc)
set -uo pipefail
RUN_DIR=${PCSC_RUN_DIR:-/tmp/idproof-pcsc}
[ -d "$RUN_DIR" ] || { echo "pcsc-down: nothing to stop"; exit 0; }

stop() {
  local f=$1 pid
  pid=$(cat "$f" 2>/dev/null) || return 0
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    echo "pcsc-down: stopped $(basename "$f" .pid) (pid $pid)"
  fi
  rm -f "$f"
}

for f in "$RUN_DIR"/*.pid; do
  [ -e "$f" ] || continue
  [ "$(basename "$f")" = pcscd.pid ] && continue
  stop "$f"
done
[ -f "$RUN_DIR/pcscd.pid" ] && stop "$RUN_DIR/pcscd.pid"
echo "pcsc-down: done"
