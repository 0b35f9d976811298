#!/usr/bin/env bash
# The Helm chart rendered by helm's own template engine (tests/support/go/helmrender: Go text/template with sprig,
# values checked against values.schema.json by gojsonschema, as helm does), with its default values, with every
# feature on (tests/helm/all-features.yaml), with an inline docker config and with the README's example values;
# tests/helm_render_check.py checks the objects. Values the schema refuses fail the render naming the key, in the
# chart's own values and in the mirror configuration under `config:` alike.
# Usage: helm_render_test.sh BUILD_DIR
set -euo pipefail
build=$1
src=$(cd "$(dirname "$0")/.." && pwd)
chart=$src/deploy/helm/ocimirror
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$tmp/gocache HOME=$tmp GOFLAGS= \
  go build -o "$tmp/helmrender" "$src/tests/support/go/helmrender/main.go"
render() { "$tmp/helmrender" "$chart" --name mirror --namespace mirror "$@"; }
render > "$tmp/default.yaml"
python3 "$src/tests/helm_render_check.py" "$tmp/default.yaml" default "$build/ocimirror"
render -f "$src/tests/helm/all-features.yaml" > "$tmp/all.yaml"
python3 "$src/tests/helm_render_check.py" "$tmp/all.yaml" all "$build/ocimirror"
printf 'dockerConfig:\n  json: %s\n' "'{\"auths\": {\"ghcr.io\": {\"auth\": \"dTpw\"}}}'" > "$tmp/inline.yaml"
render -f "$tmp/inline.yaml" > "$tmp/inline-out.yaml"
python3 "$src/tests/helm_render_check.py" "$tmp/inline-out.yaml" inline "$build/ocimirror"
# The values README's "On Kubernetes" walk-through gives, as written there.
sed -n "/^cat > my-values.yaml <<'VALUES'$/,/^VALUES$/p" "$src/docs/kubernetes.md" | sed '1d;$d' > "$tmp/readme.yaml"
[ -s "$tmp/readme.yaml" ] || { echo "README has no my-values.yaml example"; exit 1; }
render -f "$tmp/readme.yaml" > "$tmp/readme-out.yaml"
python3 "$src/tests/helm_render_check.py" "$tmp/readme-out.yaml" readme "$build/ocimirror"
# A typo in values is refused by the schema, naming the key, before anything is rendered.
printf 'replica: 2\nserviceMonitor: {enabled: yes-please}\n' > "$tmp/typo.yaml"
if out=$(render -f "$tmp/typo.yaml" 2>&1); then echo "the schema let a typo through"; exit 1; fi
grep -q "Additional property replica is not allowed" <<<"$out" || { echo "schema error unclear: $out"; exit 1; }
grep -q "serviceMonitor.enabled" <<<"$out" || { echo "schema error unclear: $out"; exit 1; }
# So is a typo in the mirror configuration: values.schema.json carries the configuration's own schema.
printf 'config:\n  policies:\n    - {name: a, from: ghcr.io/a, to: r.example/b, shedule: {every: 1h}}\n' > "$tmp/config-typo.yaml"
if out=$(render -f "$tmp/config-typo.yaml" 2>&1); then echo "the schema let a config typo through"; exit 1; fi
grep -q "Additional property shedule is not allowed" <<<"$out" || { echo "config schema error unclear: $out"; exit 1; }
grep -q "config.policies.0" <<<"$out" || { echo "config schema error unclear: $out"; exit 1; }
echo "helm render: default, every feature, inline docker config, the README's values, a refused typo and a refused config typo: ok"
