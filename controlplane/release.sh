# Sourced by build.sh and start.sh: the releases the suite keeps and how a --version names one.
# Needs HERE (the controlplane/ directory). Defines RELEASES (newest first), KWOK_VERSION and
# resolve_release.

# shellcheck source=versions.env
source "$HERE/versions.env"
read -r -a RELEASES <<<"$RELEASES"

# resolve_release SPEC: a release of RELEASES ("1.37" or "v1.37"; empty = the newest) into
# RELEASE (X.Y) and RELEASE_DIR, its versions.env sourced (KUBERNETES_VERSION,
# KUBERNETES_BUILD_DATE, ETCD_VERSION). Returns 1, saying which releases there are, otherwise.
resolve_release() {
    local spec="${1:-${RELEASES[0]}}" r
    spec="${spec#v}"
    for r in "${RELEASES[@]}"; do
        if [[ "$spec" == "$r" ]]; then
            RELEASE="$r"
            RELEASE_DIR="$HERE/releases/v$r"
            # shellcheck source=releases/v1.37/versions.env
            source "$RELEASE_DIR/versions.env"
            return 0
        fi
    done
    printf 'unknown Kubernetes release: %s (the releases here: %s)\n' "$1" "${RELEASES[*]}" >&2
    return 1
}
