#!/usr/bin/env bash
# Builds the real control-plane binaries (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, kwok) from the Go modules
# pinned in controlplane/{kubernetes,etcd,kwok}/ into a cache directory that is
# reused between runs:
#
#   ${QUORUM_CONTROLPLANE_CACHE:-$HOME/.cache/quorum-controlplane}/<key>/bin/
#
# <key> is a hash of the pinned go.mod/go.sum files, the Go version and the
# build recipe below, so changing any pin gives a fresh directory. When every
# binary for the current key already exists the script does nothing.
#
# The last line printed on stdout is always the bin directory (on success).
# Progress goes to stderr. Exit status is non-zero on failure.
#
# Usage: controlplane/build.sh [--print-dir]
#   --print-dir   only print the bin directory for the current key (no build);
#                 exit 1 if the binaries are not all there yet.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"

export GOTOOLCHAIN=local   # never switch toolchains behind the caller's back
export CGO_ENABLED=0       # static binaries; no C toolchain needed
export GOFLAGS="${GOFLAGS:-} -mod=readonly"

log() { printf '[build] %s\n' "$*" >&2; }
die() { printf '[build] ERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go not found in PATH (need Go >= 1.26)"

# versions.env must agree with the go.mod pins.
check_pin() { # MODULE_DIR MODULE VERSION
    grep -Eq "^(require)?[[:space:]]*$2[[:space:]]+$3([[:space:]]|\$)" "$HERE/$1/go.mod" \
        || die "versions.env says $2 $3 but $HERE/$1/go.mod does not"
}
check_pin kubernetes k8s.io/kubernetes "$KUBERNETES_VERSION"
check_pin etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
check_pin kwok sigs.k8s.io/kwok "$KWOK_VERSION"

BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)

# Bump when the way binaries are built changes (flags, ldflags, packages).
RECIPE=1

cache_key() {
    {
        echo "recipe=$RECIPE"
        go env GOVERSION GOOS GOARCH
        cat "$HERE/versions.env"
        for m in kubernetes etcd kwok; do
            cat "$HERE/$m/go.mod" "$HERE/$m/go.sum"
        done
    } | sha256sum | cut -c1-16
}

CACHE_ROOT="${QUORUM_CONTROLPLANE_CACHE:-$HOME/.cache/quorum-controlplane}"
KEY="$(cache_key)"
DEST="$CACHE_ROOT/$KEY"
BIN="$DEST/bin"

all_present() {
    local b
    for b in "${BINARIES[@]}"; do
        [[ -x "$BIN/$b" ]] || return 1
    done
}

if [[ "${1:-}" == "--print-dir" ]]; then
    all_present || { log "binaries for key $KEY are not built yet; run $HERE/build.sh"; echo "$BIN"; exit 1; }
    echo "$BIN"
    exit 0
fi

if all_present; then
    log "up to date: all binaries for key $KEY already built (nothing to do)"
    echo "$BIN"
    exit 0
fi

mkdir -p "$BIN"
# Serialise concurrent builds of the same key (e.g. parallel tests).
exec 9>"$DEST/.lock"
if ! flock -n 9; then
    log "another build.sh holds $DEST/.lock; waiting for it"
    flock 9
fi
if all_present; then
    log "up to date: another build.sh finished key $KEY"
    echo "$BIN"
    exit 0
fi

K8S_MINOR="${KUBERNETES_VERSION#v1.}"; K8S_MINOR="${K8S_MINOR%%.*}"
K8S_LDFLAGS="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    K8S_LDFLAGS+=" -X '$pkg.gitVersion=$KUBERNETES_VERSION'"
    K8S_LDFLAGS+=" -X '$pkg.gitMajor=1'"
    K8S_LDFLAGS+=" -X '$pkg.gitMinor=$K8S_MINOR'"
    K8S_LDFLAGS+=" -X '$pkg.gitCommit='"
    K8S_LDFLAGS+=" -X '$pkg.gitTreeState=archive'"
    K8S_LDFLAGS+=" -X '$pkg.buildDate=$KUBERNETES_BUILD_DATE'"
done

# build NAME MODULE_DIR PACKAGE LDFLAGS
build() {
    local name="$1" moddir="$2" pkg="$3" ldflags="$4"
    if [[ -x "$BIN/$name" ]]; then
        log "$name: already built"
        return 0
    fi
    log "$name: building $pkg ..."
    local start=$SECONDS tmp="$BIN/.$name.tmp.$$"
    local logf="$DEST/build-$name.log"
    if ! (cd "$HERE/$moddir" && go build -trimpath -ldflags="$ldflags" -o "$tmp" "$pkg") >"$logf" 2>&1; then
        rm -f "$tmp"
        tail -n 40 "$logf" >&2
        die "$name: go build $pkg failed after $((SECONDS - start))s (full log: $logf)"
    fi
    mv -f "$tmp" "$BIN/$name"
    log "$name: built in $((SECONDS - start))s ($(du -h "$BIN/$name" | cut -f1))"
}

# The Go build cache grows to about 4 GB for these binaries and is worth nothing once they
# exist: unless QUORUM_CONTROLPLANE_GOCACHE names one to keep, build with a private cache
# and delete it after a successful build (a failed build keeps it for the next try).
PRIVATE_GOCACHE=""
if [[ -n "${QUORUM_CONTROLPLANE_GOCACHE:-}" ]]; then
    export GOCACHE="$QUORUM_CONTROLPLANE_GOCACHE"
else
    PRIVATE_GOCACHE="$DEST/go-build"
    export GOCACHE="$PRIVATE_GOCACHE"
fi

total_start=$SECONDS
log "go: $(go env GOVERSION); key $KEY; output $BIN; build cache $GOCACHE"
log "downloading modules (if not cached) ..."
for m in kubernetes etcd kwok; do
    (cd "$HERE/$m" && go mod download) >"$DEST/download-$m.log" 2>&1 \
        || { tail -n 20 "$DEST/download-$m.log" >&2; die "go mod download failed in $HERE/$m"; }
done

build etcd       etcd "go.etcd.io/etcd/server/v3" "-s -w"
build kwok       kwok "sigs.k8s.io/kwok/cmd/kwok" "-s -w"
build kube-apiserver          kubernetes k8s.io/kubernetes/cmd/kube-apiserver          "$K8S_LDFLAGS"
build kube-controller-manager kubernetes k8s.io/kubernetes/cmd/kube-controller-manager "$K8S_LDFLAGS"
build kube-scheduler          kubernetes k8s.io/kubernetes/cmd/kube-scheduler          "$K8S_LDFLAGS"
build kubectl                 kubernetes k8s.io/kubernetes/cmd/kubectl                 "$K8S_LDFLAGS"

all_present || die "some binaries are missing in $BIN after the build"
{
    echo "key=$KEY"
    echo "go=$(go env GOVERSION)"
    cat "$HERE/versions.env"
} >"$DEST/BUILD_INFO"
log "all binaries built in $((SECONDS - total_start))s"
if [[ -n "$PRIVATE_GOCACHE" ]]; then
    rm -rf "$PRIVATE_GOCACHE"
    log "removed the build cache $PRIVATE_GOCACHE"
fi
echo "$BIN"
