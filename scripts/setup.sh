#!/usr/bin/env bash
# Shared by run.sh and test.sh: system packages (apt), then the virtual environment in .venv.
# Usage: source scripts/setup.sh; hallq_setup "<debian packages>" "<pip extras>"
set -euo pipefail

hallq_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "hallq: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

hallq_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$candidate"
      return 0
    fi
  done
  echo "hallq: Python 3.11 or newer is needed" >&2
  return 1
}

hallq_setup() {
  local packages="$1" extras="$2"
  # shellcheck disable=SC2086
  hallq_apt $packages
  local py
  py=$(hallq_python)
  if [ ! -x .venv/bin/python ]; then
    # Debian ships venv's pip bootstrap separately.
    "$py" -m venv .venv 2>/dev/null || { hallq_apt python3-venv; rm -rf .venv; "$py" -m venv .venv; }
  fi
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extras}"
}
