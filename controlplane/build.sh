#!/usr/bin/env bash
# Builds the real control-plane binaries (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok) of one Kubernetes release, or of every release the suite keeps,
# from the Go modules pinned in controlplane/releases/v<X.Y>/{kubernetes,etcd}/ (and the shared
# controlplane/kwok/) into a cache directory that is reused between runs:
#
#   ${QUORUM_CONTROLPLANE_CACHE:-$HOME/.cache/quorum-controlplane}/<key>/bin/
#
# <key> is a hash of the release, its pinned go.mod/go.sum files and versions.env, KWOK's, the Go
# version and the build recipe below, so changing any pin gives a fresh directory. When every
# binary for the key already exists the script does nothing. KWOK, the same for every release, is
# built once into kwok-<key>/ and linked into each release's bin/.
#
# The last line printed on stdout is the bin directory (on success); with --version all, one line
# per release, newest first. Progress goes to stderr. Exit status is non-zero on failure.
#
# Usage: controlplane/build.sh [--version X.Y|all] [--print-dir]
#   --version X.Y  the release: 1.37 (the newest, default) or 1.33; `all` builds every release
#                  (newest first). Also QUORUM_CP_VERSION; a flag wins.
#   --print-dir    only print the bin directory for the current key (no build);
#                  exit 1 if the binaries are not all there yet.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=release.sh
source "$HERE/release.sh"

export GOTOOLCHAIN=local   # never switch toolchains behind the caller's back
export CGO_ENABLED=0       # static binaries; no C toolchain needed
export GOFLAGS="${GOFLAGS:-} -mod=readonly"

log() { printf '[build] %s\n' "$*" >&2; }
die() { printf '[build] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; }

VERSION="${QUORUM_CP_VERSION:-}"
PRINT_DIR=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --version) [[ $# -ge 2 ]] || { log "--version needs a value"; exit 2; }; VERSION="$2"; shift 2 ;;
        --version=*) VERSION="${1#*=}"; shift ;;
        --print-dir) PRINT_DIR=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) log "unknown option: $1 (see $0 --help)"; exit 2 ;;
    esac
done
if [[ "$VERSION" == all ]]; then
    WANTED=("${RELEASES[@]}")
else
    (resolve_release "$VERSION") || exit 2
    resolve_release "$VERSION"
    WANTED=("$RELEASE")
fi

command -v go >/dev/null 2>&1 || die "go not found in PATH (need Go >= 1.26)"

# versions.env must agree with the go.mod pins.
check_pin() { # MODULE_DIR MODULE VERSION
    grep -Eq "^(require)?[[:space:]]*$2[[:space:]]+$3([[:space:]]|\$)" "$1/go.mod" \
        || die "versions.env says $2 $3 but $1/go.mod does not"
}
check_pin "$HERE/kwok" sigs.k8s.io/kwok "$KWOK_VERSION"

K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
BINARIES=(etcd "${K8S_BINARIES[@]}" kwok)

# Bump when the way binaries are built changes (flags, ldflags, packages, layout).
RECIPE=2

CACHE_ROOT="${QUORUM_CONTROLPLANE_CACHE:-$HOME/.cache/quorum-controlplane}"
GO_ENV="$(go env GOVERSION GOOS GOARCH)"

kwok_key() {
    {
        echo "recipe=$RECIPE"
        echo "$GO_ENV"
        echo "kwok=$KWOK_VERSION"
        cat "$HERE/kwok/go.mod" "$HERE/kwok/go.sum"
    } | sha256sum | cut -c1-16
}
KWOK_KEY="$(kwok_key)"
KWOK_DEST="$CACHE_ROOT/kwok-$KWOK_KEY"

release_key() { # uses RELEASE, RELEASE_DIR
    {
        echo "recipe=$RECIPE"
        echo "release=$RELEASE"
        echo "$GO_ENV"
        echo "kwok-key=$KWOK_KEY"
        cat "$RELEASE_DIR/versions.env"
        for m in kubernetes etcd; do
            cat "$RELEASE_DIR/$m/go.mod" "$RELEASE_DIR/$m/go.sum"
        done
    } | sha256sum | cut -c1-16
}

all_present() { # BIN
    local b
    for b in "${BINARIES[@]}"; do
        [[ -x "$1/$b" ]] || return 1
    done
}

if [[ $PRINT_DIR == 1 ]]; then
    status=0
    for r in "${WANTED[@]}"; do
        resolve_release "$r"
        bin="$CACHE_ROOT/$(release_key)/bin"
        all_present "$bin" || { log "Kubernetes $KUBERNETES_VERSION is not built yet; run $HERE/build.sh --version $RELEASE"; status=1; }
        echo "$bin"
    done
    exit "$status"
fi

# with_lock DEST: serialise concurrent builds of the same key (e.g. parallel tests) on DEST/.lock
# (file descriptor 9, held until the calling subshell exits).
with_lock() {
    mkdir -p "$1"
    exec 9>"$1/.lock"
    if ! flock -n 9; then
        log "another build.sh holds $1/.lock; waiting for it"
        flock 9
    fi
}

# The Go build cache grows to about 4 GB for these binaries and is worth nothing once they
# exist: unless QUORUM_CONTROLPLANE_GOCACHE names one to keep, build with a private cache
# and delete it after a successful build (a failed build keeps it for the next try).
use_gocache() { # DEST
    if [[ -n "${QUORUM_CONTROLPLANE_GOCACHE:-}" ]]; then
        export GOCACHE="$QUORUM_CONTROLPLANE_GOCACHE"
        PRIVATE_GOCACHE=""
    else
        PRIVATE_GOCACHE="$1/go-build"
        export GOCACHE="$PRIVATE_GOCACHE"
    fi
}
drop_gocache() {
    if [[ -n "$PRIVATE_GOCACHE" ]]; then
        rm -rf "$PRIVATE_GOCACHE"
        log "removed the build cache $PRIVATE_GOCACHE"
    fi
}

download() { # LOG_DIR MODULE_DIR...
    local logdir="$1" m name; shift
    for m in "$@"; do
        name="$(basename "$m")"
        (cd "$m" && go mod download) >"$logdir/download-$name.log" 2>&1 \
            || { tail -n 20 "$logdir/download-$name.log" >&2; die "go mod download failed in $m"; }
    done
}

# build NAME BIN_DIR LOG_DIR MODULE_DIR PACKAGE LDFLAGS
build() {
    local name="$1" bin="$2" logdir="$3" moddir="$4" pkg="$5" ldflags="$6"
    if [[ -x "$bin/$name" ]]; then
        log "$name: already built"
        return 0
    fi
    log "$name: building $pkg ..."
    local start=$SECONDS tmp="$bin/.$name.tmp.$$"
    local logf="$logdir/build-$name.log"
    if ! (cd "$moddir" && go build -trimpath -ldflags="$ldflags" -o "$tmp" "$pkg") >"$logf" 2>&1; then
        rm -f "$tmp"
        tail -n 40 "$logf" >&2
        die "$name: go build $pkg failed after $((SECONDS - start))s (full log: $logf)"
    fi
    mv -f "$tmp" "$bin/$name"
    log "$name: built in $((SECONDS - start))s ($(du -h "$bin/$name" | cut -f1))"
}

# KWOK, once for every release: KWOK_DEST/kwok.
build_kwok() {
    [[ -x "$KWOK_DEST/kwok" ]] && return 0
    (
        with_lock "$KWOK_DEST"
        [[ -x "$KWOK_DEST/kwok" ]] && exit 0
        use_gocache "$KWOK_DEST"
        download "$KWOK_DEST" "$HERE/kwok"
        build kwok "$KWOK_DEST" "$KWOK_DEST" "$HERE/kwok" "sigs.k8s.io/kwok/cmd/kwok" "-s -w"
        drop_gocache
    )
}

# One release (RELEASE resolved): prints its bin directory.
build_release() {
    check_pin "$RELEASE_DIR/kubernetes" k8s.io/kubernetes "$KUBERNETES_VERSION"
    check_pin "$RELEASE_DIR/etcd" go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
    local key dest bin
    key="$(release_key)"
    dest="$CACHE_ROOT/$key"
    bin="$dest/bin"
    if all_present "$bin"; then
        log "up to date: Kubernetes $KUBERNETES_VERSION, key $key: all binaries built (nothing to do)"
        echo "$bin"
        return 0
    fi
    (
        with_lock "$dest"
        mkdir -p "$bin"
        if all_present "$bin"; then
            log "up to date: another build.sh finished Kubernetes $KUBERNETES_VERSION (key $key)"
            exit 0
        fi
        local minor="${KUBERNETES_VERSION#v1.}" ldflags="-s -w" pkg
        minor="${minor%%.*}"
        for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
            ldflags+=" -X '$pkg.gitVersion=$KUBERNETES_VERSION'"
            ldflags+=" -X '$pkg.gitMajor=1'"
            ldflags+=" -X '$pkg.gitMinor=$minor'"
            ldflags+=" -X '$pkg.gitCommit='"
            ldflags+=" -X '$pkg.gitTreeState=archive'"
            ldflags+=" -X '$pkg.buildDate=$KUBERNETES_BUILD_DATE'"
        done
        local total_start=$SECONDS
        use_gocache "$dest"
        log "Kubernetes $KUBERNETES_VERSION: go $(go env GOVERSION); key $key; output $bin; build cache $GOCACHE"
        log "downloading modules (if not cached) ..."
        download "$dest" "$RELEASE_DIR/kubernetes" "$RELEASE_DIR/etcd"
        build etcd "$bin" "$dest" "$RELEASE_DIR/etcd" "go.etcd.io/etcd/server/v3" "-s -w"
        if [[ ! -x "$bin/kwok" ]]; then
            build_kwok
            ln -f "$KWOK_DEST/kwok" "$bin/kwok" 2>/dev/null || cp -f "$KWOK_DEST/kwok" "$bin/kwok"
            log "kwok: $KWOK_VERSION from $KWOK_DEST (shared by every release)"
        fi
        local b
        for b in "${K8S_BINARIES[@]}"; do
            build "$b" "$bin" "$dest" "$RELEASE_DIR/kubernetes" "k8s.io/kubernetes/cmd/$b" "$ldflags"
        done
        all_present "$bin" || die "some binaries are missing in $bin after the build"
        {
            echo "key=$key"
            echo "release=$RELEASE"
            echo "go=$(go env GOVERSION)"
            cat "$RELEASE_DIR/versions.env"
            echo "KWOK_VERSION=$KWOK_VERSION"
        } >"$dest/BUILD_INFO"
        log "Kubernetes $KUBERNETES_VERSION: all binaries built in $((SECONDS - total_start))s"
        drop_gocache
    )
    echo "$bin"
}

for r in "${WANTED[@]}"; do
    resolve_release "$r"
    build_release
done
