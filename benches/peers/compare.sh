#!/usr/bin/env bash
# Side by side on the same virtual reader: APDU count and wall time of one full BAC read of the
# specimen passport served by `idproof simulate` (profile specimen), for idproof, JMRTD and
# gmrtd; plus idproof on Debian's vicc ePass emulator. Prints a Markdown table.
#
# Usage: benches/peers/compare.sh [RUNS]     (default 5 runs per row; the median is shown)
#   IDPROOF   the idproof binary (default: release build, built if missing)
# Needs pcscd + vpcd (.ci/pcsc-up.sh is run), a JDK + Maven for JMRTD, Go for gmrtd.
# "process ms" is the whole command (JVM start included for JMRTD); "read ms" is what the
# reader measures itself from connecting to the card to the last file.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
RUNS=${1:-5}
export PCSC_RUN_DIR=${PCSC_RUN_DIR:-/tmp/idproof-pcsc}
.ci/pcsc-up.sh > /dev/null || exit 1
if [ -z "${IDPROOF:-}" ]; then
  cargo build -q --release --locked -p idproof-cli || exit 1
  IDPROOF=${CARGO_TARGET_DIR:-$ROOT/target}/release/idproof
fi
WORK=$(mktemp -d)
SIM_PID=
stop_sim() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  SIM_PID=
  rm -f "$PCSC_RUN_DIR/compare-sim.pid"
  sleep 0.5
}
trap 'stop_sim; rm -rf "$WORK"' EXIT
start() { # start OUTFILE CMD...: a card in the reader; waits for its "MRZ: " line
  local out=$1; shift
  "$@" > "$out" 2> "$out.err" &
  SIM_PID=$!
  echo "$SIM_PID" > "$PCSC_RUN_DIR/compare-sim.pid"
  for _ in $(seq 100); do grep -q '^MRZ: ' "$out" && break; sleep 0.05; done
}
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }

rows=()
# row NAME CHIP CMD...: runs CMD RUNS times; CMD prints JSON with apdus and elapsed_ms
row() {
  local name=$1 chip=$2; shift 2
  local apdus=() procs=() reads=() t0 t1 ok=1
  for _ in $(seq "$RUNS"); do
    t0=$(now_ms)
    "$@" > "$WORK/out.json" 2> "$WORK/err" || { ok=0; break; }
    t1=$(now_ms)
    procs+=($((t1 - t0)))
    apdus+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["apdus"])' "$WORK/out.json")")
    reads+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["elapsed_ms"])' "$WORK/out.json")")
  done
  if [ "$ok" = 1 ]; then
    rows+=("| $name | $chip | $(printf '%s\n' "${apdus[@]}" | median) | $(printf '%s\n' "${reads[@]}" | median) | $(printf '%s\n' "${procs[@]}" | median) |")
  else
    rows+=("| $name | $chip | failed: $(head -c 120 "$WORK/err" | tr '\n' ' ') | | |")
  fi
}

# idproof simulate, specimen profile
start "$WORK/sim.out" "$IDPROOF" simulate --profile specimen
read -r -a mrz <<< "$(sed -n 's/^MRZ: //p' "$WORK/sim.out")"
line2=${mrz[1]}
doc=${line2:0:9}; doc=${doc%%<*}; birth=${line2:13:6}; expiry=${line2:21:6}
row "idproof read" "idproof simulate (specimen)" "$IDPROOF" read --reader 'Virtual PCD 00 00' --mrz "${mrz[@]}" --json --out "$WORK/idproof"
if command -v java > /dev/null && command -v mvn > /dev/null; then
  row "JMRTD 0.8.6" "idproof simulate (specimen)" benches/peers/jmrtd/run.sh --doc "$doc" --birth "$birth" --expiry "$expiry" --out "$WORK/jmrtd"
  same=yes
  for f in "$WORK"/jmrtd/*.bin; do cmp -s "$f" "$WORK/idproof/$(basename "$f")" || same=no; done
  [ -e "$WORK/jmrtd/DG2.bin" ] || same=no
  echo "JMRTD files byte-identical to idproof's (COM, SOD, DG1, DG2, DG11, DG15): $same"
else
  rows+=("| JMRTD | idproof simulate (specimen) | not run: no java/mvn | | |")
fi
rows+=("| gmrtd | idproof simulate (specimen) | not run: proxy.golang.org answers 403 for github.com/gmrtd/gmrtd (docs/peers.md) | | |")
stop_sim

# Debian's vicc ePass (BAC only, 2 data groups) on the same reader
if /usr/bin/python3 -c 'import sys; sys.path.insert(0, "fixtures/vicc"); import epass_harness; epass_harness.load_emulator()' 2>/dev/null; then
  VICC_MRZ='P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C<3UTO6908061F9406236ZE184226B<<<<<14'
  start "$WORK/vicc.out" /usr/bin/python3 fixtures/vicc/epass_vpcd.py --mrz "$VICC_MRZ"
  row "idproof read" "vicc ePass (Debian)" "$IDPROOF" read --reader 'Virtual PCD 00 00' --mrz "${VICC_MRZ:0:44}" "${VICC_MRZ:44}" --json
  stop_sim
fi

echo
echo "| reader | chip | APDUs | read ms | process ms |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "(median of $RUNS runs each)"
