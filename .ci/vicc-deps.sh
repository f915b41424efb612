#!/usr/bin/env bash
# Debian packages for the vicc ePass tests (fixtures/vicc/epass_harness.py, fixtures/tests/vicc_epass.rs).
# Idempotent: installs only what is missing (apt-get update first, only then), then checks
# that the harness loads and its self-test passes. Prints what it did.
#   python3-virtualsmartcard  vsmartcard's card emulators (the ePass card OS), 3.3+dfsg-2 on bookworm
#   python3-pycryptodome      3DES for it (its `Crypto` imports are mapped to `Cryptodome` at run time)
# Not needed: pcscd, vsmartcard-vpcd/-vpicc (no PC/SC here), python3-pil (the harness stands in for it).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(python3 python3-virtualsmartcard python3-pycryptodome)
missing=()
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "vicc-deps: $p already installed ($(dpkg-query -W -f='${Version}' "$p"))"
  else
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "vicc-deps: missing ${missing[*]} and not root: run as root or install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "vicc-deps: apt-get update"
  apt-get update -qq
  echo "vicc-deps: installing ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  for p in "${missing[@]}"; do
    echo "vicc-deps: installed $p ($(dpkg-query -W -f='${Version}' "$p"))"
  done
else
  echo "vicc-deps: nothing to install"
fi

# Debian's interpreter: a pyenv/venv python3 earlier on PATH does not see dist-packages.
py=${VICC_PYTHON:-/usr/bin/python3}
echo "vicc-deps: harness self-test with $py"
"$py" fixtures/vicc/epass_harness.py --self-test
