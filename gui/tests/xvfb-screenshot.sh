#!/usr/bin/env bash
# Runs the real window in Xvfb, screenshots the whole screen with xwd (independently of the app's
# own --screenshot), and checks the picture is not blank. Usage: gui/tests/xvfb-screenshot.sh [OUT.png]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/xvfb-window.png}
bin=${QUORUM_GUI:-target/debug/quorum-gui}
[ -x "$bin" ] || cargo build -p quorum-gui
command -v Xvfb >/dev/null || { echo "skipping: Xvfb is not installed (apt-get install xvfb)"; exit 0; }
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true; [ -n "${app:-}" ] && kill "$app" 2>/dev/null || true' EXIT
sleep 1
DISPLAY=$display LIBGL_ALWAYS_SOFTWARE=1 "$bin" --sample three-zones &
app=$!
sleep "${WAIT_SECONDS:-8}"
DISPLAY=$display xwd -root -silent > "${out%.png}.xwd"
convert "xwd:${out%.png}.xwd" "$out"
rm -f "${out%.png}.xwd"
colours=$(convert "$out" -format '%k' info:)
echo "$out: $colours colours"
[ "$colours" -gt 50 ] || { echo "the screen looks blank" >&2; exit 1; }
