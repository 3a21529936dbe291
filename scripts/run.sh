#!/usr/bin/env bash
# Set up and run the HallQ server with the demo hall (SQLite under ./var/).
# Extra arguments go to `hallq serve`, e.g. --host 0.0.0.0 --port 8000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# libespeak-ng1: the offline voice that says "请A001号到3号窗口办理".
hallq_setup "libespeak-ng1" ""
exec .venv/bin/hallq serve "$@"
