#!/usr/bin/env bash
# Debian packages for the OpenPACE cross-check (fixtures/openpace/pace_chip.c,
# fixtures/tests/openpace_crosscheck.rs): libeac-dev (OpenPACE 1.1.2 on bookworm) and a C
# compiler. Idempotent: installs only what is missing (apt-get update first, only then).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libeac-dev libssl-dev gcc libc6-dev)
missing=()
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "openpace-deps: $p already installed ($(dpkg-query -W -f='${Version}' "$p"))"
  else
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "openpace-deps: missing ${missing[*]} and not root: run as root or install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "openpace-deps: apt-get update"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  echo "openpace-deps: installing ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v cc >/dev/null || { echo "openpace-deps: no cc" >&2; exit 1; }
