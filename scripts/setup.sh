#!/usr/bin/env bash
# One-time (idempotent) set-up on Debian: system packages for WebGPU without a GPU (SwiftShader from
# Debian's chromium, the Vulkan loader), for the browser tests (chromium itself) and for the export
# tests (python3), then npm ci.
# Installs what is missing when run as root; otherwise says exactly what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/lib/chromium/vk_swiftshader_icd.json ] || need+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' || need+=(libvulkan1)
# fonts so that screenshots of the page show text
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
# Debian's python3 (standard library only) runs the exported TRL reward module in the export tests
[ -x /usr/bin/python3 ] || need+=(python3)

if [ ${#need[@]} -gt 0 ]; then
  pkgs=$(printf '%s\n' "${need[@]}" | sort -u | tr '\n' ' ')
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing system packages: $pkgs"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $pkgs >/dev/null
  else
    echo "setup: missing system packages: $pkgs" >&2
    echo "setup: install them with: sudo apt-get install $pkgs" >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js >= 20 is required (found $(node --version))" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: ok"
