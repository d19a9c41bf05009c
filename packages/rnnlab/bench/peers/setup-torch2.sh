#!/usr/bin/env bash
# Builds a Debian 13 (trixie) root with PyTorch 2.6 (Debian's python3-torch) for the harness's `torch2` runners.
#
#   bash bench/peers/setup-torch2.sh [DIR]       # DIR: $TORCH2_ROOT, else /opt/torch2-trixie
#
# Needs root (debootstrap, chroot). Uses only Debian's archive: the mirror of the host's apt sources
# (override with TORCH2_MIRROR=URL). ~1.5 GB on disk, ~10 min. Idempotent: when DIR already has a python3 that
# imports torch it only adds what is missing (python3-onnx, with the root's own apt) or says so. A half-built DIR
# (an interrupted run) is removed and built again.
#
# python3-onnx: torch 2.6's torch.onnx.export (the TorchScript exporter, dynamo=False) needs the onnx module, for
# the harness's --inference export when it runs on torch2 (torch 1.13 on the host exports without it).
set -euo pipefail

DIR="${1:-${TORCH2_ROOT:-/opt/torch2-trixie}}"
SUITE="${TORCH2_SUITE:-trixie}"
PACKAGES="python3-torch,python3-numpy,libopenblas0-pthread,python3-onnx"

say() { printf 'setup-torch2: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
  say "must run as root (debootstrap and chroot)"
  exit 1
fi

# /proc inside the root: torch reads /proc/cpuinfo and /proc/self/*; the harness mounts it too.
mount_proc() {
  if ! mountpoint -q "$DIR/proc" 2>/dev/null; then
    mkdir -p "$DIR/proc"
    mount -t proc proc "$DIR/proc"
  fi
}

torch_ok() {
  [ -x "$DIR/usr/bin/python3" ] || return 1
  mount_proc
  chroot "$DIR" /usr/bin/python3 -c 'import torch, numpy; print(torch.__version__)' 2>/dev/null
}

in_root() { chroot "$DIR" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

if v="$(torch_ok)"; then
  if in_root python3 -c 'import onnx' 2>/dev/null; then
    say "$DIR already has PyTorch $v: nothing to do"
  else
    say "$DIR has PyTorch $v; adding python3-onnx (torch.onnx.export needs it)"
    in_root apt-get update -qq
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-onnx >/dev/null
    in_root apt-get clean
  fi
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing debootstrap"
  apt-get update -qq
  apt-get install -y -qq debootstrap >/dev/null
fi

# The Debian mirror the host's apt already uses (deb822 `URIs:` or one-line `deb URL suite`), else deb.debian.org.
MIRROR="${TORCH2_MIRROR:-}"
if [ -z "$MIRROR" ]; then
  MIRROR="$(
    cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
      grep -Eo '(URIs:[[:space:]]*|^deb[[:space:]]+)https?://[^[:space:]]+/debian/?([[:space:]]|$)' |
      grep -Eo 'https?://[^[:space:]]+' | head -n1 || true
  )"
  MIRROR="${MIRROR:-http://deb.debian.org/debian}"
fi

if [ -e "$DIR" ]; then
  say "$DIR exists but has no working PyTorch: removing it and building again"
  if mountpoint -q "$DIR/proc" 2>/dev/null; then umount "$DIR/proc"; fi
  # Never follow a bind mount the harness may have left (it unmounts its own, but be safe).
  if grep -q " $DIR/" /proc/mounts; then
    say "something is still mounted under $DIR (see /proc/mounts): unmount it first"
    exit 1
  fi
  rm -rf --one-file-system "$DIR"
fi

say "debootstrap $SUITE into $DIR from $MIRROR (--include=$PACKAGES): ~1.5 GB, ~10 min"
mkdir -p "$(dirname "$DIR")"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$DIR" "$MIRROR"

# Keep the root small: the downloaded .debs are not needed after unpacking.
rm -f "$DIR"/var/cache/apt/archives/*.deb

if v="$(torch_ok)"; then
  say "done: $DIR has PyTorch $v ($(du -sh --one-file-system "$DIR" | cut -f1))"
else
  say "debootstrap finished but 'import torch' fails inside $DIR"
  exit 1
fi
