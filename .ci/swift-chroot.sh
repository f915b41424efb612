#!/usr/bin/env bash
# Swift 6 (Debian trixie's `swiftlang`) in a chroot, for a Debian 12 host (bookworm has no Swift and
# trixie's package needs glibc 2.38). Recipe: ../shared/notes/infra.md §4.
#
#   .ci/swift-chroot.sh                 create the chroot once (about 3.3 GB, ~1 min on a fast mirror)
#   .ci/swift-chroot.sh run 'CMD'       run CMD inside it, with /proc mounted (swift-driver needs it)
#
# The chroot lives outside the repository so repeated runs reuse it:
#   SWIFT_CHROOT (default /var/cache/idproof/swift-chroot). It is only used once the marker file
#   .idproof-ready exists, so an interrupted build is redone rather than half-used.
# Needs root (debootstrap, chroot, mount).
set -euo pipefail

ROOT=${SWIFT_CHROOT:-/var/cache/idproof/swift-chroot}
READY="$ROOT/.idproof-ready"

say() { echo "swift-chroot: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  say "needs root (debootstrap, chroot, mount -t proc)"
  exit 1
fi

mkdir -p "$(dirname "$ROOT")"
exec 9>"$ROOT.lock"
flock 9   # one builder at a time; runs also take the lock so nobody mounts into a half-built root

if [ ! -e "$READY" ]; then
  start=$SECONDS
  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  # Whatever an interrupted run left behind (unmount first: never rm -rf through a mounted /proc).
  if mountpoint -q "$ROOT/proc" 2>/dev/null; then umount "$ROOT/proc"; fi
  rm -rf "$ROOT"
  # The Debian mirror the host's apt uses (first URIs: line of the deb822 sources file).
  MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  say "debootstrap trixie from $MIRROR into $ROOT"
  debootstrap --variant=minbase trixie "$ROOT" "$MIRROR" >/dev/null
  say "installing swiftlang"
  chroot "$ROOT" /bin/bash -c 'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends swiftlang libc6-dev libstdc++-14-dev >/dev/null'
  touch "$READY"
  say "ready in $((SECONDS - start)) s"
fi

if [ "${1:-}" = run ]; then
  shift
  mount -t proc proc "$ROOT/proc"   # swift-driver finds its libraries through /proc/self/exe ($ORIGIN)
  trap 'umount "$ROOT/proc"' EXIT
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 /bin/bash -c "$*"
fi
