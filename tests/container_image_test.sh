#!/usr/bin/env bash
# The container image (deploy/container/build-image.sh), as an operator would use it: built offline from this
# machine's Debian packages; the Dockerfile's runtime packages are exactly the ones the binary needs; it runs
# `ocimirror --version` as user 65532 with no shell in it, ocimirror's copyright file beside the libraries'; the image itself (pushed to a registry by the host's
# ocimirror) and a second data set are mirrored by `ocimirror sync` running inside the image (buildah run, chroot
# isolation, the host's network), digest for digest; and the copy at the destination runs too.
# Usage: container_image_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
source scripts/registries.sh
work=$(mktemp -d); ctrs=()
cleanup() {  # the containers and the images they pulled into buildah's storage
  local c image
  for c in "${ctrs[@]}"; do
    image=$(buildah inspect --format '{{.FromImageID}}' "$c" 2>/dev/null || true)
    buildah rm "$c" >/dev/null 2>&1 || true
    [ -z "$image" ] || buildah rmi --force "$image" >/dev/null 2>&1 || true
  done
  stop_registries; rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "container image: $*" >&2; exit 1; }
version=$("$build/ocimirror" --version | awk 'NR == 1 {print $2}')

packages=$(bash deploy/container/build-image.sh "$build" "$work/image.tar" "ocimirror/ocimirror:$version")
want=$(awk '{print $1}' <<<"$packages" | sort | xargs)
got=$(python3 - deploy/container/Dockerfile <<'PY'
import sys
# The final stage's `apt-get install` arguments: continuation lines joined, up to the next `&&`.
text = open(sys.argv[1]).read().replace("\\\n", " ")
stage = text.split("\nFROM ")[-1]
for line in stage.splitlines():
    for part in line.split("&&"):
        words = part.split()
        if "apt-get" in words and "install" in words:
            print(" ".join(sorted(w for w in words[words.index("install") + 1:] if not w.startswith("-"))))
PY
)
[ "$want" = "$got" ] || fail "Dockerfile runtime packages differ from what the binary needs:
  needed:     $want
  Dockerfile: $got"

ctr=$(buildah from --quiet "oci-archive:$work/image.tar"); ctrs+=("$ctr")
v=$(buildah run --isolation chroot "$ctr" -- /usr/bin/ocimirror --version) && grep -q "^ocimirror $version (commit " <<<"$v" ||
  fail "ocimirror --version does not run in the image"
if buildah run --isolation chroot "$ctr" -- /bin/sh -c true >/dev/null 2>&1; then fail "the image has a shell"; fi
[ "$(buildah inspect --format '{{.OCIv1.Config.User}}' "$ctr")" = 65532:65532 ] || fail "the image does not run as 65532"
buildah run --isolation chroot "$ctr" -- /usr/bin/ocimirror inspect --help >/dev/null || fail "inspect --help"
mnt=$(buildah mount "$ctr")
cmp -s "$mnt/usr/share/doc/ocimirror/copyright" deploy/debian/copyright || fail "the image lacks ocimirror's copyright file"
buildah umount "$ctr" >/dev/null

s=$(start_registry "$work/src"); d=$(start_registry "$work/dst")
"$build/ocimirror" copy --plain-http "oci-archive:$work/image.tar" "$s/ocimirror/ocimirror:$version" >/dev/null 2>&1
"$build/ocimirror-testkit" seed-scale "$s" 2 3 >/dev/null
mkdir -m 0777 "$work/in"
cat > "$work/in/mirror.yaml" <<YAML
state_dir: /work/in/state
registries:
  $s: {tls: disabled}
  $d: {tls: disabled}
policies:
  - {name: image, from: $s/ocimirror, to: $d/ocimirror}
  - {name: scale, from: $s/scale, to: $d/scale}
YAML
buildah run --isolation chroot --volume "$work/in:/work/in" "$ctr" -- \
  /usr/bin/ocimirror sync --config /work/in/mirror.yaml -q >/dev/null || fail "sync inside the image failed"
for prefix in ocimirror scale; do
  benchmarks/registry_digests.py "$s" "$prefix" > "$work/want"
  benchmarks/registry_digests.py "$d" "$prefix" > "$work/got"
  [ -s "$work/want" ] && cmp -s "$work/want" "$work/got" || fail "$prefix differs at the destination: $(diff "$work/want" "$work/got")"
done
archived=$("$build/ocimirror" inspect "oci-archive:$work/image.tar" | awk '/^Digest:/ {print $2}')

copy=$(buildah from --quiet --tls-verify=false "docker://$d/ocimirror/ocimirror:$version"); ctrs+=("$copy")
[ "$(buildah inspect --format '{{.FromImageDigest}}' "$copy")" = "$archived" ] || fail "the mirrored image's digest is not the archive's"
buildah run --isolation chroot "$copy" -- /usr/bin/ocimirror --version >/dev/null || fail "the mirrored image does not run"
echo "container image: $(du -h "$work/image.tar" | cut -f1), $(wc -l <<<"$packages") runtime packages, runs, syncs inside, mirrors itself: ok"
