#!/usr/bin/env bash
# Stops everything controlplane/start.sh started for DIR, using the pid files in
# DIR/pids/ (newest first: kwok, scheduler, controller-manager, apiserver,
# etcd). Idempotent: a second call, or a call for a DIR where nothing runs,
# does nothing and returns 0. Leaves DIR (logs, certificates, etcd data) alone.
#
# Usage: controlplane/stop.sh DIR
set -uo pipefail

log() { printf '[stop] %s\n' "$*" >&2; }

if [[ $# -ne 1 ]]; then
    log "usage: $0 DIR"
    exit 2
fi
DIR="$1"
PIDS="$DIR/pids"
[[ -d "$PIDS" ]] || exit 0
DIR="$(cd "$DIR" && pwd)"
PIDS="$DIR/pids"

# Only signal a pid that is still the process we started: its command line must
# mention DIR (every component gets a path in DIR as an argument). This guards
# against pid reuse after the process has gone.
ours() {
    local pid="$1"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR"
}

names=()
if [[ -f "$PIDS/order" ]]; then
    mapfile -t started <"$PIDS/order"
    for (( i=${#started[@]}-1; i>=0; i-- )); do names+=("${started[i]}"); done
fi
for f in "$PIDS"/*.pid; do
    [[ -e "$f" ]] || continue
    n="$(basename "$f" .pid)"
    [[ " ${names[*]-} " == *" $n "* ]] || names+=("$n")
done

# SIGTERM everything (newest first), give it up to 10 s, then SIGKILL.
signalled=()
for n in "${names[@]}"; do
    f="$PIDS/$n.pid"
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    # The watchdog may be the one running this script: do not kill our caller.
    if [[ "$n" == watchdog && "$pid" == "$PPID" ]]; then
        continue
    fi
    if ours "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        signalled+=("$n:$pid")
    fi
done
for _ in $(seq 1 100); do
    left=0
    for e in "${signalled[@]}"; do kill -0 "${e#*:}" 2>/dev/null && left=1; done
    [[ $left == 0 ]] && break
    sleep 0.1
done
for e in "${signalled[@]}"; do
    n="${e%%:*}" pid="${e#*:}"
    if kill -0 "$pid" 2>/dev/null; then
        log "$n (pid $pid) did not stop within 10s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $n (pid $pid)"
done
for n in "${names[@]}"; do rm -f "$PIDS/$n.pid"; done
rm -f "$PIDS/order"
exit 0
