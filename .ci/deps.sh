#!/usr/bin/env bash
# System packages needed to BUILD the workspace: the `pcsc` crate (idproof-pcsc, used by the
# CLI) links libpcsclite, found through pkg-config. Idempotent; installs only what is missing.
#   libpcsclite-dev  headers + libpcsclite.so for linking (runtime: libpcsclite1)
#   pkgconf          pkg-config, which pcsc-sys's build script runs
set -euo pipefail

packages=(libpcsclite-dev pkgconf)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "deps: build packages present (${packages[*]})"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing ${missing[*]}: run 'sudo apt-get install ${missing[*]}'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${missing[*]}"
