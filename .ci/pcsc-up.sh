#!/usr/bin/env bash
# Bring up the virtual PC/SC reader: pcscd (started by hand, in the foreground, no systemd)
# with vsmartcard's vpcd driver, whose readers "Virtual PCD 00 00" / "00 01" listen on TCP
# 35963 / 35964 for a card (`idproof simulate`, vicc, …).
#
# Usage: .ci/pcsc-up.sh            (then .ci/pcsc-down.sh)
#   PCSC_RUN_DIR  where PID files and logs go (default /tmp/idproof-pcsc)
# Idempotent: installs only missing packages, starts pcscd only if it is not running.
# Prints one "pcsc-up: ..." line per step.
set -euo pipefail
RUN_DIR=${PCSC_RUN_DIR:-/tmp/idproof-pcsc}
mkdir -p "$RUN_DIR"

# pcscd + vpcd to run the reader; libpcsclite-dev + pkgconf to build idproof-pcsc.
packages=(pcscd libpcsclite1 libpcsclite-dev pkgconf vsmartcard-vpcd)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "pcsc-up: missing ${missing[*]}: run 'sudo apt-get install ${missing[*]}'" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "pcsc-up: installed ${missing[*]}"
fi

# vpcd listening on 35963 (hex 8C7B) — read from /proc so no client connects (a connection
# would be a card insertion).
vpcd_listening() { grep -qi ':8C7B 00000000:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }

pid_file="$RUN_DIR/pcscd.pid"
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "pcsc-up: pcscd already running (pid $(cat "$pid_file"))"
elif [ -S /run/pcscd/pcscd.comm ] && vpcd_listening; then
  echo "pcsc-up: a pcscd not started by this script is running with vpcd; using it"
  exit 0
else
  rm -f "$pid_file"
  # A stale socket from a killed pcscd makes clients hang; pcscd recreates it.
  [ -S /run/pcscd/pcscd.comm ] && ! pgrep -x pcscd >/dev/null && rm -f /run/pcscd/pcscd.comm
  pcscd --foreground > "$RUN_DIR/pcscd.log" 2>&1 < /dev/null &
  echo $! > "$pid_file"
  echo "pcsc-up: started pcscd (pid $!, log $RUN_DIR/pcscd.log)"
fi

for _ in $(seq 100); do
  [ -S /run/pcscd/pcscd.comm ] && vpcd_listening && break
  sleep 0.05
done
if ! { [ -S /run/pcscd/pcscd.comm ] && vpcd_listening; }; then
  echo "pcsc-up: pcscd/vpcd did not come up; log:" >&2
  tail -20 "$RUN_DIR/pcscd.log" >&2 || true
  exit 1
fi
echo "pcsc-up: ready: readers 'Virtual PCD 00 00' (127.0.0.1:35963) and 'Virtual PCD 00 01' (:35964)"
