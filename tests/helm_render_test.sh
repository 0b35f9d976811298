#!/usr/bin/env bash
# The Helm chart rendered by helm's own template engine (tests/support/go/helmrender: Go text/template with sprig,
# values checked against values.schema.json by gojsonschema, as helm does) and its objects checked by
# tests/helm_render_check.py: the defaults with the one policy a user must give (tests/helm/minimal.yaml), every
# feature on (tests/helm/all-features.yaml), an inline docker config, docs/kubernetes.md's walk-through values, an
# upgrade that keeps the admin token the cluster holds, an admin API without a token behind a NetworkPolicy, name
# overrides, and a bad regex the init container's `ocimirror check` refuses. Then what the chart refuses to render,
# each naming the value: no policy, the old `replicas`, no token without a NetworkPolicy, typos (by the schema).
# Usage: helm_render_test.sh BUILD_DIR
set -euo pipefail
build=$1
src=$(cd "$(dirname "$0")/.." && pwd)
chart=$src/deploy/helm/ocimirror
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$tmp/gocache HOME=$tmp GOFLAGS= \
  go build -o "$tmp/helmrender" "$src/tests/support/go/helmrender/main.go"
render() { "$tmp/helmrender" "$chart" --name mirror --namespace mirror "$@"; }
# check MODE [render options...]: renders and checks the objects.
check() {
  local mode=$1; shift
  render "$@" > "$tmp/$mode.yaml"
  python3 "$src/tests/helm_render_check.py" "$tmp/$mode.yaml" "$mode" "$build/ocimirror" ${expect:+"$expect"}
}
# refused WHY VALUES... : the render fails and says WHY.
refused() {
  local why=$1 out; shift
  if out=$(render "$@" 2>&1); then echo "the chart rendered with $* (wanted: $why)"; exit 1; fi
  grep -qF -- "$why" <<<"$out" || { echo "refusal does not say '$why': $out"; exit 1; }
}
token() {
  python3 -c 'import sys, yaml
print([d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "Secret"
       and d["metadata"]["name"].endswith("-admin-token")][0]["data"]["token"])' "$1"
}
minimal=$src/tests/helm/minimal.yaml

check default -f "$minimal" --notes "$tmp/notes.txt"
grep -q 'Authorization: Bearer $TOKEN' "$tmp/notes.txt" || { echo "NOTES.txt: no token"; cat "$tmp/notes.txt"; exit 1; }
render -f "$minimal" > "$tmp/again.yaml"
[ "$(token "$tmp/default.yaml")" != "$(token "$tmp/again.yaml")" ] || { echo "the same token twice: not random"; exit 1; }
check all -f "$src/tests/helm/all-features.yaml"
printf 'dockerConfig:\n  json: %s\n' "'{\"auths\": {\"ghcr.io\": {\"auth\": \"dTpw\"}}}'" > "$tmp/inline-values.yaml"
check inline -f "$minimal" -f "$tmp/inline-values.yaml"
# The walk-through of docs/kubernetes.md gives, as written there.
sed -n "/^cat > my-values.yaml <<'VALUES'$/,/^VALUES$/p" "$src/docs/kubernetes.md" | sed '1d;$d' > "$tmp/readme-values.yaml"
[ -s "$tmp/readme-values.yaml" ] || { echo "docs/kubernetes.md has no my-values.yaml example"; exit 1; }
check readme -f "$tmp/readme-values.yaml"

# An upgrade: the generated token already in the cluster is what the new Secret holds.
kept=kept-token-0123456789abcdefXYZ
printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: mirror-ocimirror-admin-token, namespace: mirror}\ndata: {token: %s}\n' \
  "$(printf %s "$kept" | base64)" > "$tmp/cluster.yaml"
expect=$kept check kept -f "$minimal" --upgrade --lookup "$tmp/cluster.yaml"

printf 'adminToken: {allowUnauthenticated: true}\nnetworkPolicy:\n  enabled: true\n  ingressFrom: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]\n' > "$tmp/open-values.yaml"
check open -f "$minimal" -f "$tmp/open-values.yaml"
printf 'nameOverride: mirrorbot\nfullnameOverride: %s-%s\n' "$(printf 'a%.0s' {1..40})" "$(printf 'b%.0s' {1..30})" > "$tmp/fullname-values.yaml"
check fullname -f "$minimal" -f "$tmp/fullname-values.yaml"
printf 'nameOverride: mirrorbot\n' > "$tmp/rename-values.yaml"
check rename -f "$minimal" -f "$tmp/rename-values.yaml"
printf 'config:\n  policies:\n    - {name: a, from: ghcr.io/a, to: r.example/b, tags: {include: ["v(1"]}}\n' > "$tmp/badregex-values.yaml"
check badregex -f "$tmp/badregex-values.yaml"

# Refused, naming the value to change.
refused "config.policies is empty"
printf 'replicas: 2\n' > "$tmp/replicas.yaml"
refused "replicas was renamed replicaCount" -f "$minimal" -f "$tmp/replicas.yaml"
printf 'adminToken: {allowUnauthenticated: true}\n' > "$tmp/open-alone.yaml"
refused "adminToken.allowUnauthenticated needs networkPolicy.enabled: true and networkPolicy.ingressFrom" \
  -f "$minimal" -f "$tmp/open-alone.yaml"
printf 'networkPolicy: {enabled: true}\n' > "$tmp/np-any.yaml"
refused "networkPolicy.ingressFrom" -f "$minimal" -f "$tmp/open-alone.yaml" -f "$tmp/np-any.yaml"
printf 'adminToken: {existingSecret: mine}\n' > "$tmp/mine.yaml"
refused "adminToken.allowUnauthenticated and adminToken.existingSecret" \
  -f "$minimal" -f "$tmp/open-values.yaml" -f "$tmp/mine.yaml"
printf 'image: {digest: "latest"}\n' > "$tmp/digest.yaml"
refused "image.digest" -f "$minimal" -f "$tmp/digest.yaml"
# A typo in values is refused by the schema, naming the key, before anything is rendered.
printf 'replica: 2\nserviceMonitor: {enabled: yes-please}\n' > "$tmp/typo.yaml"
refused "Additional property replica is not allowed" -f "$minimal" -f "$tmp/typo.yaml"
refused "serviceMonitor.enabled" -f "$minimal" -f "$tmp/typo.yaml"
# So is a typo in the mirror configuration: values.schema.json carries the configuration's own schema.
printf 'config:\n  policies:\n    - {name: a, from: ghcr.io/a, to: r.example/b, shedule: {every: 1h}}\n' > "$tmp/config-typo.yaml"
refused "Additional property shedule is not allowed" -f "$tmp/config-typo.yaml"
refused "config.policies.0" -f "$tmp/config-typo.yaml"
echo "helm render: defaults (a generated, random token), every feature, inline docker config, the walk-through's" \
  "values, a token kept over an upgrade, no token behind a NetworkPolicy, name overrides, a bad regex stopped by the" \
  "init container; refused: no policy, replicas, no token unguarded, token and no token, a bad digest, typos: ok"
