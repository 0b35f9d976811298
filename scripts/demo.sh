#!/usr/bin/env bash
# Installs what is needed, builds, starts two local registries, seeds the first with a multi-arch image, a Helm
# chart and a Flux artifact, mirrors them into the second with ocimirror, and shows skopeo agreeing on every digest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$(nproc)" --target ocimirror ocimirror-testkit
source scripts/registries.sh
work=$(mktemp -d); trap 'stop_registries; rm -rf "$work"' EXIT
src=$(start_registry "$work/src"); dst=$(start_registry "$work/dst")
echo "source registry $src, destination registry $dst"
build/ocimirror-testkit seed-demo "$src" >/dev/null
for ref in demo/app:v1.0.0 demo/charts/web:1.2.3 demo/deploy/manifests:main; do
  build/ocimirror copy --plain-http "$src/$ref" "$dst/mirror/$ref" >/dev/null
  want=$(skopeo inspect --raw --tls-verify=false "docker://$src/$ref" | sha256sum | cut -d' ' -f1)
  got=$(skopeo inspect --raw --tls-verify=false "docker://$dst/mirror/$ref" | sha256sum | cut -d' ' -f1)
  [ "$want" = "$got" ] && echo "mirrored $ref  sha256:$got  (skopeo agrees)" || { echo "MISMATCH for $ref"; exit 1; }
done
echo; build/ocimirror copy --plain-http "$src/demo/app:v1.0.0" "$dst/mirror/demo/app:v1.0.0" >/dev/null
echo; build/ocimirror inspect --plain-http "$dst/mirror/demo/app:v1.0.0"
