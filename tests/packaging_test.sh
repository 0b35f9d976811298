#!/usr/bin/env bash
# What `cmake --install` delivers: the binary, the man pages, the copyright file and the examples, a systemd unit
# that `systemd-analyze verify` accepts without a word, pointing at the installed binary and configuration, and an
# example configuration that passes `ocimirror check`; and the Helm chart's static consistency
# (tests/helm_chart_check.py). Usage: packaging_test.sh BUILD_DIR
set -euo pipefail
build=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp" >/dev/null
unit=$tmp/lib/systemd/system/ocimirror.service
for f in "$tmp/bin/ocimirror" "$unit" "$tmp/etc/ocimirror/config.example.yaml" "$tmp/share/man/man1/ocimirror.1.gz" \
         "$tmp/share/man/man1/ocimirror-sync.1.gz" "$tmp/share/man/man5/ocimirror.yaml.5.gz" \
         "$tmp/share/doc/ocimirror/copyright"; do
  [ -e "$f" ] || { echo "not installed: $f"; exit 1; }
done
# The examples, under the doc directory as the .deb carries them.
for e in "$src"/examples/*.yaml; do
  cmp -s "$e" "$tmp/share/doc/ocimirror/examples/$(basename "$e")" || { echo "not installed: examples/$(basename "$e")"; exit 1; }
done
out=$(systemd-analyze verify "$unit" 2>&1) || { echo "systemd-analyze verify failed:"; echo "$out"; exit 1; }
[ -z "$out" ] || { echo "systemd-analyze verify complained:"; echo "$out"; exit 1; }
grep -qx 'Type=notify' "$unit" || { echo "the unit is not Type=notify"; exit 1; }
grep -qx 'RestartPreventExitStatus=2' "$unit" || { echo "a configuration error (exit 2) would restart forever"; exit 1; }
# The credentials drop-in, as `systemctl edit` would place it: the unit with it still verifies without a word.
mkdir -p "$unit.d"
cp "$tmp/etc/ocimirror/credentials.conf.example" "$unit.d/credentials.conf"
out=$(systemd-analyze verify "$unit" 2>&1) || { echo "systemd-analyze verify with the drop-in failed:"; echo "$out"; exit 1; }
[ -z "$out" ] || { echo "systemd-analyze verify complained about the drop-in:"; echo "$out"; exit 1; }
grep -qF "ExecStart=$tmp/bin/ocimirror daemon --config $tmp/etc/ocimirror/config.yaml" "$unit" ||
  { echo "ExecStart does not name the installed binary and configuration:"; grep ExecStart "$unit"; exit 1; }
echo "systemd: $(systemd-analyze security --offline=yes "$unit" 2>&1 | grep -o 'Overall exposure level.*' || true)"
OCIMIRROR_ADMIN_TOKEN=example-token-0123456789 INTERNAL_REGISTRY_PASSWORD=example \
  "$tmp/bin/ocimirror" check --config "$tmp/etc/ocimirror/config.example.yaml" --state-dir "$tmp/state" >/dev/null
# README is an entry page into the manual: the manual is installed beside it, so its links hold.
for f in README.md docs/README.md docs/daemon.md docs/configuration.md; do
  [ -f "$tmp/share/doc/ocimirror/$f" ] || { echo "not installed: share/doc/ocimirror/$f"; exit 1; }
done
/usr/bin/python3 "$src/tests/helm_chart_check.py" "$src/deploy/helm/ocimirror" "$tmp/bin/ocimirror"
echo "packaging: ok"
