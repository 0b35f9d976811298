#!/usr/bin/env bash
# Layering: each library includes only itself and the libraries it may depend on, as each folder's README says.
# CMake links them in this order too; this check is what keeps a convenient #include from quietly turning the
# order into a cycle. Usage: layering_check.sh SOURCE_DIR
set -euo pipefail
cd "$1"
lower="transfer/oci transfer/sigstore transfer/net transfer/registry transfer/identity transfer/endpoint transfer/copy transfer/artifact policy cache config"
declare -A may=(
  [transfer/oci]="transfer/oci"
  [transfer/sigstore]="transfer/oci transfer/sigstore"
  [transfer/net]="transfer/oci transfer/net"
  [transfer/registry]="transfer/oci transfer/net transfer/registry"
  [transfer/identity]="transfer/oci transfer/net transfer/registry transfer/identity"
  [transfer/endpoint]="transfer/oci transfer/net transfer/registry transfer/endpoint"
  [transfer/copy]="transfer/oci transfer/net transfer/registry transfer/endpoint transfer/copy"
  [transfer/artifact]="transfer/oci transfer/net transfer/registry transfer/artifact"
  [policy]="transfer/oci policy"
  [cache]="transfer/oci transfer/copy cache"
  [config]="transfer/oci transfer/sigstore transfer/net transfer/registry transfer/identity transfer/artifact policy config"
  [daemon/run]="$lower daemon/run"
  [daemon/service]="$lower daemon daemon/run daemon/service"
  [daemon/cli]="$lower daemon daemon/run daemon/service daemon/cli"
)
failed=0
for dir in "${!may[@]}"; do
  for f in "$dir"/*.hpp "$dir"/*.cpp; do
    while IFS= read -r inc; do
      target=${inc%/*}
      [[ " ${may[$dir]} " == *" $target "* ]] && continue
      echo "$f includes $inc, but $dir may depend only on: ${may[$dir]}"
      failed=1
    done < <(sed -n 's/^#include "\([a-z_]*\/[a-z0-9_/]*\.hpp\)"$/\1/p' "$f")
  done
done
[ "$failed" = 0 ] && echo "layering check: ${#may[@]} libraries include only what they may depend on"
exit "$failed"
