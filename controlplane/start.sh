#!/usr/bin/env bash
# Starts a real Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler) plus KWOK on 127.0.0.1, with all
# state in DIR, on free ports, of one of the Kubernetes releases build.sh builds. Returns 0 once it is ready:
#   * kube-apiserver /readyz is ok,
#   * kube-controller-manager and kube-scheduler /healthz are ok,
#   * the ServiceAccount default/default exists,
#   * kwok is running and its /healthz is ok.
# On failure it prints the tail of the relevant log, stops what it started and
# returns non-zero. Stop it with controlplane/stop.sh DIR.
#
# Usage: controlplane/start.sh DIR [options]
#
# Options (each also settable by the environment variable shown; a flag wins):
#   --version X.Y                     the Kubernetes release: 1.37 (the newest) or 1.33
#                                                                        [QUORUM_CP_VERSION] (default: the newest; with
#                                                                        --bin-dir, the release that bin dir was built for)
#   --node-monitor-grace-period DUR   kcm --node-monitor-grace-period   [QUORUM_CP_NODE_MONITOR_GRACE_PERIOD] (default 50s)
#   --node-monitor-period DUR         kcm --node-monitor-period         [QUORUM_CP_NODE_MONITOR_PERIOD] (default 5s)
#   --default-not-ready-toleration-seconds N
#                                     kube-apiserver flag of that name  [QUORUM_CP_NOT_READY_TOLERATION_SECONDS] (default 300)
#   --default-unreachable-toleration-seconds N
#                                     kube-apiserver flag of that name  [QUORUM_CP_UNREACHABLE_TOLERATION_SECONDS] (default 300)
#   --node-lease-duration-seconds N   lease duration KWOK writes on node leases; KWOK renews
#                                     every N/4 s (kubelet default 40)  [QUORUM_CP_NODE_LEASE_DURATION_SECONDS] (default 40)
#   --short-timings                   a preset for tests: grace 8s, monitor period 1s,
#                                     lease 8s (renewed every 2s), tolerations 10s/10s;
#                                     flags given after it still win.
#   --kwok-node-selector SEL          label selector of the nodes KWOK manages (heartbeats,
#                                     leases, pods)                      [QUORUM_CP_KWOK_NODE_SELECTOR] (default quorum.dev/kwok-managed=true)
#   --serving-cert MODE               the kube-apiserver's serving certificate, and what the
#                                     kubeconfigs trust for it             [QUORUM_CP_SERVING_CERT] (default ca-signed):
#                                       ca-signed    signed by the cluster CA (CA:FALSE); kubeconfigs trust the CA
#                                       self-signed  one self-signed CA:TRUE certificate (k3s-style, hand-made
#                                                    clusters); kubeconfigs trust that very certificate
#                                       leaf-as-ca   signed by the cluster CA (CA:FALSE); kubeconfigs trust the
#                                                    server's own leaf instead of the CA
#   --runtime-config SPEC             kube-apiserver --runtime-config, to turn APIs off or on
#                                     (repeatable; joined with commas), e.g. policy/v1=false (a group
#                                     version) or policy/v1/poddisruptionbudgets=false (one resource)
#   --apiserver-arg ARG               extra kube-apiserver flag (repeatable)
#   --kcm-arg ARG                     extra kube-controller-manager flag (repeatable)
#   --scheduler-arg ARG               extra kube-scheduler flag (repeatable)
#   --kwok-arg ARG                    extra kwok flag (repeatable)
#   --bin-dir DIR                     where the binaries are             [QUORUM_CONTROLPLANE_BIN] (default: build.sh --print-dir
#                                                                        --version X.Y); must be the release's
#   --build                           run build.sh --version X.Y first if the binaries are missing
#   --timeout SECONDS                 overall readiness deadline         [QUORUM_CP_START_TIMEOUT] (default 60)
#   --watch-pid PID                   stop everything when process PID exits (guards
#                                     against leaks when a test process dies)
#
# Files written in DIR: kubeconfig (admin, context quorum-real), env (KEY=VALUE:
# KUBECONFIG, server, ports, pids, paths), params.env (effective timings),
# pki/ (certificates, keys, admin.token), etcd/ (data), logs/*.log, pids/*.pid.
# KWOK's stages are read from controlplane/stages/*.yaml.
# On success the last line on stdout is the path of DIR/env; progress goes to stderr.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=release.sh
source "$HERE/release.sh"

log() { printf '[start] %s\n' "$*" >&2; }
usage() { sed -n '2,/^set -uo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; }

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    usage
    exit 0
fi
if [[ $# -lt 1 || "$1" == -* ]]; then
    usage
    exit 2
fi
DIR="$1"; shift

# ---- options -----------------------------------------------------------------
GRACE="${QUORUM_CP_NODE_MONITOR_GRACE_PERIOD:-50s}"
MONITOR_PERIOD="${QUORUM_CP_NODE_MONITOR_PERIOD:-5s}"
NOT_READY_TOL="${QUORUM_CP_NOT_READY_TOLERATION_SECONDS:-300}"
UNREACHABLE_TOL="${QUORUM_CP_UNREACHABLE_TOLERATION_SECONDS:-300}"
LEASE_SECONDS="${QUORUM_CP_NODE_LEASE_DURATION_SECONDS:-40}"
KWOK_SELECTOR="${QUORUM_CP_KWOK_NODE_SELECTOR:-quorum.dev/kwok-managed=true}"
BIN_DIR="${QUORUM_CONTROLPLANE_BIN:-}"
TIMEOUT="${QUORUM_CP_START_TIMEOUT:-60}"
SERVING_CERT="${QUORUM_CP_SERVING_CERT:-ca-signed}"
VERSION="${QUORUM_CP_VERSION:-}"
RUNTIME_CONFIG=()
DO_BUILD=0
WATCH_PID=""
EXTRA_APISERVER=(); EXTRA_KCM=(); EXTRA_SCHED=(); EXTRA_KWOK=()

need_arg() { [[ $# -ge 2 ]] || { log "option $1 needs a value"; exit 2; }; }
while [[ $# -gt 0 ]]; do
    # Accept --option=value as well as --option value.
    if [[ "$1" == --*=* ]]; then
        opt="${1%%=*}" val="${1#*=}"
        shift
        set -- "$opt" "$val" "$@"
    fi
    case "$1" in
        --node-monitor-grace-period) need_arg "$@"; GRACE="$2"; shift 2 ;;
        --node-monitor-period) need_arg "$@"; MONITOR_PERIOD="$2"; shift 2 ;;
        --default-not-ready-toleration-seconds) need_arg "$@"; NOT_READY_TOL="$2"; shift 2 ;;
        --default-unreachable-toleration-seconds) need_arg "$@"; UNREACHABLE_TOL="$2"; shift 2 ;;
        --node-lease-duration-seconds) need_arg "$@"; LEASE_SECONDS="$2"; shift 2 ;;
        --short-timings)
            GRACE=8s; MONITOR_PERIOD=1s; LEASE_SECONDS=8; NOT_READY_TOL=10; UNREACHABLE_TOL=10
            shift ;;
        --kwok-node-selector) need_arg "$@"; KWOK_SELECTOR="$2"; shift 2 ;;
        --serving-cert) need_arg "$@"; SERVING_CERT="$2"; shift 2 ;;
        --runtime-config) need_arg "$@"; RUNTIME_CONFIG+=("$2"); shift 2 ;;
        --apiserver-arg) need_arg "$@"; EXTRA_APISERVER+=("$2"); shift 2 ;;
        --kcm-arg) need_arg "$@"; EXTRA_KCM+=("$2"); shift 2 ;;
        --scheduler-arg) need_arg "$@"; EXTRA_SCHED+=("$2"); shift 2 ;;
        --kwok-arg) need_arg "$@"; EXTRA_KWOK+=("$2"); shift 2 ;;
        --bin-dir) need_arg "$@"; BIN_DIR="$2"; shift 2 ;;
        --version) need_arg "$@"; VERSION="$2"; shift 2 ;;
        --build) DO_BUILD=1; shift ;;
        --timeout) need_arg "$@"; TIMEOUT="$2"; shift 2 ;;
        --watch-pid) need_arg "$@"; WATCH_PID="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) log "unknown option: $1 (see $0 --help)"; exit 2 ;;
    esac
done

[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || { log "--timeout must be whole seconds"; exit 2; }
[[ "$LEASE_SECONDS" =~ ^[1-9][0-9]*$ ]] || { log "--node-lease-duration-seconds must be a positive integer"; exit 2; }
[[ "$NOT_READY_TOL" =~ ^[0-9]+$ && "$UNREACHABLE_TOL" =~ ^[0-9]+$ ]] || { log "toleration seconds must be integers"; exit 2; }
case "$SERVING_CERT" in
    ca-signed|self-signed|leaf-as-ca) ;;
    *) log "--serving-cert must be ca-signed, self-signed or leaf-as-ca, not: $SERVING_CERT"; exit 2 ;;
esac
for spec in "${RUNTIME_CONFIG[@]}"; do
    [[ "$spec" =~ ^[A-Za-z0-9./-]+(=[A-Za-z]*)?(,[A-Za-z0-9./-]+(=[A-Za-z]*)?)*$ ]] ||
        { log "--runtime-config takes KEY=true|false pairs (policy/v1=false), not: $spec"; exit 2; }
done
# The release asked for (--version / QUORUM_CP_VERSION); without one, that of --bin-dir's
# binaries, else the newest.
RELEASE=""
if [[ -n "$VERSION" ]]; then
    resolve_release "$VERSION" || exit 2
fi
RUNTIME_CONFIG_ARG=()
if [[ ${#RUNTIME_CONFIG[@]} -gt 0 ]]; then
    RUNTIME_CONFIG_ARG=("--runtime-config=$(IFS=,; echo "${RUNTIME_CONFIG[*]}")")
fi

mkdir -p "$DIR" || exit 1
DIR="$(cd "$DIR" && pwd)"
if [[ "$DIR" =~ [[:space:]\'\"\\\$\`] ]]; then
    log "DIR must not contain whitespace, quotes, \$, \` or backslashes: $DIR"
    exit 2
fi
# etcd preallocates 64 MB for each WAL file and panics with "no space left on device" without
# them; say so before starting anything.
NEED_MB=256
FREE_MB="$(df -Pk "$DIR" 2>/dev/null | awk 'NR == 2 { print int($4 / 1024) }')"
if [[ -n "$FREE_MB" && "$FREE_MB" -lt "$NEED_MB" ]]; then
    log "only ${FREE_MB} MB free on the filesystem of $DIR; a control plane needs ${NEED_MB} MB (etcd preallocates 64 MB per WAL file): free some space or give a DIR elsewhere"
    exit 1
fi
if [[ -d "$DIR/pids" ]] && compgen -G "$DIR/pids/*.pid" >/dev/null; then
    for f in "$DIR"/pids/*.pid; do
        if kill -0 "$(cat "$f")" 2>/dev/null; then
            log "a control plane is already running for $DIR (pid file $f); stop it with $HERE/stop.sh $DIR"
            exit 1
        fi
    done
fi

# ---- binaries ----------------------------------------------------------------
if [[ -z "$BIN_DIR" ]]; then
    [[ -n "$RELEASE" ]] || resolve_release ""
    if ! BIN_DIR="$("$HERE/build.sh" --print-dir --version "$RELEASE" 2>/dev/null | tail -n1)" || [[ ! -x "$BIN_DIR/kube-apiserver" ]]; then
        if [[ $DO_BUILD == 1 ]]; then
            BIN_DIR="$("$HERE/build.sh" --version "$RELEASE" | tail -n1)" || { log "build.sh failed"; exit 1; }
        else
            log "the control-plane binaries of Kubernetes $KUBERNETES_VERSION are not built; run $HERE/build.sh --version $RELEASE first (or pass --build)"
            exit 1
        fi
    fi
fi
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
    [[ -x "$BIN_DIR/$b" ]] || { log "missing binary $BIN_DIR/$b; run $HERE/build.sh --version ${RELEASE:-X.Y}"; exit 1; }
done
# What the binaries are ("Kubernetes v1.37.2"): the release they were built for must be the one
# asked for, since the flags below depend on it.
BIN_K8S_VERSION="$("$BIN_DIR/kube-apiserver" --version 2>/dev/null | awk '{ print $2 }')"
BIN_RELEASE="${BIN_K8S_VERSION#v}"; BIN_RELEASE="${BIN_RELEASE%.*}"
if [[ -z "$RELEASE" ]]; then
    resolve_release "$BIN_RELEASE" 2>/dev/null ||
        { log "$BIN_DIR/kube-apiserver is Kubernetes ${BIN_K8S_VERSION:-(no version)}, not one of the releases here (${RELEASES[*]})"; exit 2; }
elif [[ "$BIN_RELEASE" != "$RELEASE" ]]; then
    log "$BIN_DIR holds Kubernetes ${BIN_K8S_VERSION:-(no version)}, not the release asked for ($RELEASE); give that release's bin dir (build.sh --print-dir --version $RELEASE)"
    exit 2
fi
if [[ "$BIN_K8S_VERSION" != "$KUBERNETES_VERSION" ]]; then
    log "note: $BIN_DIR holds Kubernetes $BIN_K8S_VERSION; the pin for $RELEASE is $KUBERNETES_VERSION"
    KUBERNETES_VERSION="$BIN_K8S_VERSION"
fi
command -v openssl >/dev/null || { log "openssl not found"; exit 1; }
command -v curl >/dev/null || { log "curl not found"; exit 1; }

T0=$(date +%s%N)
DEADLINE=$(( $(date +%s) + TIMEOUT ))
elapsed() { echo "$(( ($(date +%s%N) - T0) / 1000000 ))ms"; }

mkdir -p "$DIR/pki" "$DIR/logs" "$DIR/pids" "$DIR/etcd" "$DIR/flexvolume"
chmod 700 "$DIR/pki" "$DIR/etcd"
PKI="$DIR/pki"

# ---- failure handling --------------------------------------------------------
FAILED_LOG=""
fail() {
    log "ERROR: $*"
    if [[ -n "$FAILED_LOG" && -f "$FAILED_LOG" ]]; then
        log "---- last 40 lines of $FAILED_LOG ----"
        tail -n 40 "$FAILED_LOG" >&2
        log "---- end of $FAILED_LOG ----"
    fi
    "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true
    exit 1
}
trap 'fail "interrupted"' INT TERM

# ---- free ports --------------------------------------------------------------
# Random free ports below the kernel's ephemeral range: a port picked from that range can be taken
# by any client's outgoing connection (kubectl, a test, another control plane starting beside
# this one) before the component binds it. All are bound at once so they are distinct.
read -r ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT SCHED_PORT KWOK_PORT < <(
    python3 - <<'EOF'
import random, socket
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
socks = []
while len(socks) < 6:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", random.randrange(10000, low) if low > 11000 else 0))
        socks.append(s)
    except OSError:
        s.close()
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
) || fail "could not pick free ports (python3 needed)"
[[ -n "${KWOK_PORT:-}" ]] || fail "could not pick free ports"

# ---- certificates ------------------------------------------------------------
gen_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
# sign NAME SUBJECT EXT (signed by $CA_NAME, default ca)
sign() {
    local name="$1" subj="$2" ext="$3" ca="${CA_NAME:-ca}"
    gen_key "$PKI/$name.key" || return 1
    openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null || return 1
    printf '%s\n' "$ext" >"$PKI/$name.ext"
    openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
        -days 365 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null || return 1
    rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}
CLIENT_EXT=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
SERVER_SANS='IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local'
SERVER_EXT=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName='"$SERVER_SANS"
# The serving certificate: signed by the CA, or (--serving-cert self-signed) one self-signed
# CA:TRUE certificate that is its own issuer, as k3s-style and hand-made clusters have it.
serving_cert() {
    if [[ "$SERVING_CERT" == self-signed ]]; then
        gen_key "$PKI/apiserver.key" &&
        openssl req -x509 -new -key "$PKI/apiserver.key" -subj "/CN=kube-apiserver-self-signed" -days 365 -sha256 \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
            -addext "extendedKeyUsage=serverAuth" \
            -addext "subjectAltName=$SERVER_SANS" \
            -out "$PKI/apiserver.crt" 2>/dev/null
    else
        sign apiserver "/CN=kube-apiserver" "$SERVER_EXT"
    fi
}
{
    gen_key "$PKI/ca.key" &&
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=quorum-real-ca" -days 365 -sha256 \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
        -out "$PKI/ca.crt" 2>/dev/null &&
    serving_cert &&
    sign admin "/O=system:masters/CN=quorum-admin" "$CLIENT_EXT" &&
    sign kube-controller-manager "/CN=system:kube-controller-manager" "$CLIENT_EXT" &&
    sign kube-scheduler "/CN=system:kube-scheduler" "$CLIENT_EXT" &&
    sign kwok "/O=system:masters/CN=kwok-controller" "$CLIENT_EXT" &&
    gen_key "$PKI/front-proxy-ca.key" &&
    openssl req -x509 -new -key "$PKI/front-proxy-ca.key" -subj "/CN=quorum-real-front-proxy-ca" -days 365 -sha256 \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
        -out "$PKI/front-proxy-ca.crt" 2>/dev/null &&
    CA_NAME=front-proxy-ca sign front-proxy-client "/CN=front-proxy-client" "$CLIENT_EXT" &&
    gen_key "$PKI/sa.key" &&
    openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
} || fail "certificate generation with openssl failed"
# A static admin bearer token (for clients without client-cert support). Never printed.
ADMIN_TOKEN="$(openssl rand -hex 24)"
printf '%s\n' "$ADMIN_TOKEN" >"$PKI/admin.token"
printf '%s,quorum-admin-token,quorum-admin-token,"system:masters"\n' "$ADMIN_TOKEN" >"$PKI/tokens.csv"
chmod 600 "$PKI"/*.key "$PKI/admin.token" "$PKI/tokens.csv"
unset ADMIN_TOKEN

SERVER="https://127.0.0.1:$APISERVER_PORT"
# What every kubeconfig (and curl here) trusts for the server: the CA, or the serving certificate
# itself (self-signed: it is its own CA; leaf-as-ca: the leaf given as the CA).
case "$SERVING_CERT" in
    ca-signed) SERVER_CA="$PKI/ca.crt" ;;
    *) SERVER_CA="$PKI/apiserver.crt" ;;
esac
# kubeconfig NAME CERTNAME CONTEXT
write_kubeconfig() {
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: quorum-real
  cluster:
    server: $SERVER
    certificate-authority: $SERVER_CA
users:
- name: $2
  user:
    client-certificate: $PKI/$2.crt
    client-key: $PKI/$2.key
contexts:
- name: $3
  context:
    cluster: quorum-real
    user: $2
current-context: $3
EOF
    chmod 600 "$1"
}
write_kubeconfig "$DIR/kubeconfig" admin quorum-real
write_kubeconfig "$DIR/kube-controller-manager.kubeconfig" kube-controller-manager default
write_kubeconfig "$DIR/kube-scheduler.kubeconfig" kube-scheduler default
write_kubeconfig "$DIR/kwok.kubeconfig" kwok default

# ---- process helpers ---------------------------------------------------------
# launch NAME BINARY ARGS... : background process with its own log and pid file.
launch() {
    local name="$1"; shift
    "$@" </dev/null >"$DIR/logs/$name.log" 2>&1 &
    echo $! >"$DIR/pids/$name.pid"
    echo "$name" >>"$DIR/pids/order"
}
pid_of() { cat "$DIR/pids/$1.pid" 2>/dev/null; }
alive() { local p; p="$(pid_of "$1")" && [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }

# wait_for NAME WHAT CMD...: run CMD until it succeeds, the process dies or the deadline passes.
wait_for() {
    local name="$1" what="$2"; shift 2
    FAILED_LOG="$DIR/logs/$name.log"
    while true; do
        if "$@" >/dev/null 2>&1; then
            log "$what ($(elapsed))"
            return 0
        fi
        alive "$name" || fail "$name exited while waiting for: $what"
        (( $(date +%s) < DEADLINE )) || fail "timed out after ${TIMEOUT}s waiting for: $what"
        sleep 0.2
    done
}
curl_ok() { # URL [curl args]: succeeds when the body is exactly "ok"
    local url="$1"; shift
    [[ "$(curl -sS --max-time 2 "$@" "$url" 2>/dev/null)" == "ok" ]]
}
ADMIN_CURL=(--cacert "$SERVER_CA" --cert "$PKI/admin.crt" --key "$PKI/admin.key")

: >"$DIR/pids/order"

# ---- etcd --------------------------------------------------------------------
launch etcd "$BIN_DIR/etcd" \
    --name=quorum \
    --data-dir="$DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="quorum=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state=new \
    --unsafe-no-fsync=true \
    --log-level=warn
etcd_healthy() { curl -sS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
wait_for etcd "etcd healthy on 127.0.0.1:$ETCD_PORT" etcd_healthy

# ---- kube-apiserver ----------------------------------------------------------
launch kube-apiserver "$BIN_DIR/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$APISERVER_PORT" \
    --endpoint-reconciler-type=none \
    --tls-cert-file="$PKI/apiserver.crt" \
    --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --token-auth-file="$PKI/tokens.csv" \
    --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" \
    --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User \
    --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" \
    --proxy-client-key-file="$PKI/front-proxy-client.key" \
    --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 \
    --allow-privileged=true \
    --default-not-ready-toleration-seconds="$NOT_READY_TOL" \
    --default-unreachable-toleration-seconds="$UNREACHABLE_TOL" \
    "${RUNTIME_CONFIG_ARG[@]}" \
    "${EXTRA_APISERVER[@]}"
wait_for kube-apiserver "kube-apiserver /readyz ok on $SERVER" curl_ok "$SERVER/readyz" "${ADMIN_CURL[@]}"

# ---- kube-controller-manager -------------------------------------------------
KCM_KC="$DIR/kube-controller-manager.kubeconfig"
# --pvclaimbinder-sync-period: a claim created in the same apply as its pre-bound volume is often
# bound only at the binder's next resync (15 s by default); 2 s keeps loading a cluster short.
# Nothing the simulator predicts depends on it.
launch kube-controller-manager "$BIN_DIR/kube-controller-manager" \
    --kubeconfig="$KCM_KC" \
    --authentication-kubeconfig="$KCM_KC" \
    --authorization-kubeconfig="$KCM_KC" \
    --bind-address=127.0.0.1 \
    --secure-port="$KCM_PORT" \
    --leader-elect=false \
    --controllers='*' \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" \
    --root-ca-file="$SERVER_CA" \
    --cluster-signing-cert-file="$PKI/ca.crt" \
    --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range=10.96.0.0/16 \
    --node-monitor-grace-period="$GRACE" \
    --node-monitor-period="$MONITOR_PERIOD" \
    --flex-volume-plugin-dir="$DIR/flexvolume" \
    --pvclaimbinder-sync-period=2s \
    "${EXTRA_KCM[@]}"

# ---- kube-scheduler ----------------------------------------------------------
SCHED_KC="$DIR/kube-scheduler.kubeconfig"
SCHED_CONNECT=(--kubeconfig="$SCHED_KC" --leader-elect=false)
# Without PodDisruptionBudgets (turned off with --runtime-config) the scheduler's DefaultPreemption
# plugin, its only user of budgets, would wait forever for its budget informer to sync, and the
# scheduler schedules nothing until every informer has: run it without that plugin (no preemption).
# pdbs_served: 0 when /apis/policy/v1 lists poddisruptionbudgets, 1 when it does not (or is not
# served), 2 when the API server did not answer (a busy machine): asked again until the deadline,
# so a slow answer never turns preemption off.
pdbs_served() {
    local out
    out="$(curl -sS --max-time 5 "${ADMIN_CURL[@]}" -w '\n%{http_code}' "$SERVER/apis/policy/v1" 2>/dev/null)" || return 2
    case "${out##*$'\n'}" in
        # (pretty-printed for curl: `"name": "poddisruptionbudgets"`)
        200) grep -Eq '"name": *"poddisruptionbudgets"' <<<"$out" ;;
        404) return 1 ;;
        *) return 2 ;;
    esac
}
FAILED_LOG="$DIR/logs/kube-apiserver.log"
while pdbs_served; rc=$?; [[ $rc == 2 ]]; do
    (( $(date +%s) < DEADLINE )) || fail "timed out after ${TIMEOUT}s asking kube-apiserver whether it serves policy/v1 poddisruptionbudgets"
    sleep 0.2
done
SCHED_PREEMPTION=on
if [[ $rc == 1 ]]; then
    SCHED_PREEMPTION=off
    cat >"$DIR/kube-scheduler.yaml" <<EOF
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: $SCHED_KC
leaderElection:
  leaderElect: false
profiles:
- schedulerName: default-scheduler
  plugins:
    multiPoint:
      disabled:
      - name: DefaultPreemption
EOF
    SCHED_CONNECT=(--config="$DIR/kube-scheduler.yaml")
    log "the API server serves no PodDisruptionBudgets: kube-scheduler runs without DefaultPreemption"
fi
launch kube-scheduler "$BIN_DIR/kube-scheduler" \
    "${SCHED_CONNECT[@]}" \
    --authentication-kubeconfig="$SCHED_KC" \
    --authorization-kubeconfig="$SCHED_KC" \
    --bind-address=127.0.0.1 \
    --secure-port="$SCHED_PORT" \
    "${EXTRA_SCHED[@]}"

# ---- kwok --------------------------------------------------------------------
KWOK_CONFIGS=()
for f in "$HERE"/stages/*.yaml; do KWOK_CONFIGS+=("--config=$f"); done
launch kwok "$BIN_DIR/kwok" \
    "${KWOK_CONFIGS[@]}" \
    --kubeconfig="$DIR/kwok.kubeconfig" \
    --manage-all-nodes=false \
    --manage-nodes-with-label-selector="$KWOK_SELECTOR" \
    --node-lease-duration-seconds="$LEASE_SECONDS" \
    --node-ip=127.0.0.1 \
    --cidr=10.244.0.0/16 \
    --server-address="127.0.0.1:$KWOK_PORT" \
    "${EXTRA_KWOK[@]}"

wait_for kube-controller-manager "kube-controller-manager /healthz ok" curl_ok "https://127.0.0.1:$KCM_PORT/healthz" -k
wait_for kube-scheduler "kube-scheduler /healthz ok" curl_ok "https://127.0.0.1:$SCHED_PORT/healthz" -k
wait_for kwok "kwok /healthz ok" curl_ok "http://127.0.0.1:$KWOK_PORT/healthz"
default_sa() { curl -fsS --max-time 2 "${ADMIN_CURL[@]}" "$SERVER/api/v1/namespaces/default/serviceaccounts/default"; }
wait_for kube-controller-manager "ServiceAccount default/default exists" default_sa

# ---- outputs -----------------------------------------------------------------
cat >"$DIR/params.env" <<EOF
# Effective control-plane parameters (written by start.sh).
RELEASE=$RELEASE
KUBERNETES_VERSION=$KUBERNETES_VERSION
ETCD_VERSION=$ETCD_VERSION
KWOK_VERSION=$KWOK_VERSION
NODE_MONITOR_GRACE_PERIOD=$GRACE
NODE_MONITOR_PERIOD=$MONITOR_PERIOD
DEFAULT_NOT_READY_TOLERATION_SECONDS=$NOT_READY_TOL
DEFAULT_UNREACHABLE_TOLERATION_SECONDS=$UNREACHABLE_TOL
NODE_LEASE_DURATION_SECONDS=$LEASE_SECONDS
NODE_LEASE_RENEW_INTERVAL_SECONDS=$(awk "BEGIN{print $LEASE_SECONDS/4}")
KWOK_NODE_SELECTOR=$KWOK_SELECTOR
SERVING_CERT=$SERVING_CERT
RUNTIME_CONFIG=$(IFS=,; echo "${RUNTIME_CONFIG[*]}")
SCHEDULER_PREEMPTION=$SCHED_PREEMPTION
EXTRA_APISERVER_ARGS=${EXTRA_APISERVER[*]}
EXTRA_KCM_ARGS=${EXTRA_KCM[*]}
EXTRA_SCHEDULER_ARGS=${EXTRA_SCHED[*]}
EXTRA_KWOK_ARGS=${EXTRA_KWOK[*]}
EOF
cat >"$DIR/env" <<EOF
# Control plane started by start.sh; plain KEY=VALUE lines (no quoting needed).
QUORUM_CP_DIR=$DIR
QUORUM_CP_RELEASE=$RELEASE
QUORUM_CP_KUBERNETES_VERSION=$KUBERNETES_VERSION
KUBECONFIG=$DIR/kubeconfig
QUORUM_CP_CONTEXT=quorum-real
QUORUM_CP_SERVER=$SERVER
QUORUM_CP_CA_FILE=$PKI/ca.crt
QUORUM_CP_SERVER_CA_FILE=$SERVER_CA
QUORUM_CP_SERVING_CERT=$SERVING_CERT
QUORUM_CP_ADMIN_CERT_FILE=$PKI/admin.crt
QUORUM_CP_ADMIN_KEY_FILE=$PKI/admin.key
QUORUM_CP_ADMIN_TOKEN_FILE=$PKI/admin.token
QUORUM_CP_BIN_DIR=$BIN_DIR
QUORUM_CP_KUBECTL=$BIN_DIR/kubectl
QUORUM_CP_KWOK_NODE_SELECTOR=$KWOK_SELECTOR
QUORUM_CP_ETCD_PORT=$ETCD_PORT
QUORUM_CP_ETCD_PEER_PORT=$ETCD_PEER_PORT
QUORUM_CP_APISERVER_PORT=$APISERVER_PORT
QUORUM_CP_KCM_PORT=$KCM_PORT
QUORUM_CP_SCHEDULER_PORT=$SCHED_PORT
QUORUM_CP_KWOK_PORT=$KWOK_PORT
QUORUM_CP_ETCD_PID=$(pid_of etcd)
QUORUM_CP_APISERVER_PID=$(pid_of kube-apiserver)
QUORUM_CP_KCM_PID=$(pid_of kube-controller-manager)
QUORUM_CP_SCHEDULER_PID=$(pid_of kube-scheduler)
QUORUM_CP_KWOK_PID=$(pid_of kwok)
QUORUM_CP_READY_MS=$(( ($(date +%s%N) - T0) / 1000000 ))
EOF

if [[ -n "$WATCH_PID" ]]; then
    # Detached watchdog: stops the control plane when WATCH_PID goes away.
    nohup bash -c 'while kill -0 "$1" 2>/dev/null && [[ -f "$3/pids/order" ]]; do sleep 2; done; [[ -f "$3/pids/order" ]] && "$2" "$3"' \
        quorum-cp-watchdog "$WATCH_PID" "$HERE/stop.sh" "$DIR" </dev/null >"$DIR/logs/watchdog.log" 2>&1 &
    echo $! >"$DIR/pids/watchdog.pid"
fi

trap - INT TERM
log "control plane (Kubernetes $KUBERNETES_VERSION) ready in $(elapsed): $SERVER (kubeconfig $DIR/kubeconfig, context quorum-real)"
echo "$DIR/env"
