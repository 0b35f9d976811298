#!/usr/bin/env bash
# The Debian package (`cpack -G DEB`): its dependencies computed (dpkg-shlibdeps), the binary stripped and its
# debug symbols in the -dbgsym package, the unit, the example configs as conffiles, a man page per command and
# ocimirror.yaml(5) (each rendering without a warning), the bash/zsh completions, the copyright file, the examples;
# then installed into a clean bookworm root (mmdebstrap --variant=minbase, which resolves the package's
# dependencies from the Debian mirror with apt), where `ocimirror --version` runs, completion offers the commands,
# and the maintainer scripts do their part with a stand-in systemd (upgrade: restart; remove: stop and disable;
# purge: the state directory goes, the operator's configuration stays). Also: a build directory configured with
# -DOCIMIRROR_TESTS=OFF (scripts/package.sh) would build everything the package holds and nothing of the tests.
# Usage: deb_package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "deb package: $*" >&2; exit 1; }
(cd "$build" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$(ls "$tmp"/out/ocimirror_*_amd64.deb) ddeb=$(ls "$tmp"/out/ocimirror-dbgsym_*_amd64.ddeb)

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 librocksdb7.8 libssl3 libboost-program-options1.81.0 libyaml-cpp0.7; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
dpkg-deb -x "$deb" "$tmp/x"
for f in usr/bin/ocimirror usr/lib/systemd/system/ocimirror.service etc/ocimirror/config.example.yaml \
         etc/ocimirror/credentials.conf.example usr/share/man/man1/ocimirror.1.gz \
         usr/share/bash-completion/completions/ocimirror usr/share/zsh/vendor-completions/_ocimirror \
         usr/share/ocimirror/ocimirror-config.schema.json; do
  [ -e "$tmp/x/$f" ] || fail "not in the package: /$f"
done
# (Whole outputs into files, then grep: `grep -q` in a pipeline under pipefail fails when it stops reading early.)
readelf -S "$tmp/x/usr/bin/ocimirror" > "$tmp/sections"
! grep -q '\.debug_info' "$tmp/sections" || fail "the binary is not stripped"
dpkg-deb -c "$ddeb" > "$tmp/ddeb-files"
grep -q '/usr/lib/debug/.build-id/.*\.debug' "$tmp/ddeb-files" || fail "no debug symbols in $(basename "$ddeb")"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles > "$tmp/conffiles"
grep -qx /etc/ocimirror/config.example.yaml "$tmp/conffiles" || fail "the example config is not a conffile"
grep -q 'ExecStart=/usr/bin/ocimirror daemon --config /etc/ocimirror/config.yaml' \
  "$tmp/x/usr/lib/systemd/system/ocimirror.service" || fail "the unit does not name /usr/bin and /etc/ocimirror"
# A man page per command `ocimirror --help` lists, the overview and the configuration file's; each renders without
# a warning, and its NAME line is one whatis(1) reads.
commands=$("$build/ocimirror" --help | awk '/^Commands:/ {on = 1; next} on && /^$/ {exit} on && /^  [a-z]/ {print $1}')
[ "$(wc -w <<<"$commands")" -ge 10 ] || fail "ocimirror --help lists only: $commands"
pages="man1/ocimirror.1.gz man5/ocimirror.yaml.5.gz"
for c in $commands; do pages+=" man1/ocimirror-$c.1.gz"; done
for page in $pages; do
  f=$tmp/x/usr/share/man/$page
  [ -e "$f" ] || fail "no man page /usr/share/man/$page"
  zcat "$f" | groff -man -Tutf8 -ww -z 2> "$tmp/groff" || fail "$page does not render: $(cat "$tmp/groff")"
  [ ! -s "$tmp/groff" ] || fail "$page renders with warnings: $(cat "$tmp/groff")"
  lexgrog "$f" > "$tmp/whatis" 2>&1 || fail "$page has no NAME line whatis reads: $(cat "$tmp/whatis")"
done
MANWIDTH=100 man -l "$tmp/x/usr/share/man/man1/ocimirror-sync.1.gz" 2>/dev/null > "$tmp/sync.txt"
for want in '^SYNOPSIS' '^OPTIONS' '^EXIT STATUS' '^EXAMPLES' '-n, --dry-run' '--jobs arg \(default: [0-9]+\)'; do
  grep -Eq -- "$want" "$tmp/sync.txt" || fail "ocimirror-sync(1) lacks '$want'"
done
# Each exit code of sync an entry of its own, as its --help lists them (a help text the splitter misreads folds them).
zcat "$tmp/x/usr/share/man/man1/ocimirror-sync.1.gz" | sed -n '/^\.SH EXIT STATUS/,/^\.SH [A-Z]/p' > "$tmp/sync-exit"
for n in 0 1 2 3 4 5 6; do
  grep -qx "\.B $n" "$tmp/sync-exit" || fail "ocimirror-sync(1) EXIT STATUS has no entry for $n"
done
MANWIDTH=100 man -l "$tmp/x/usr/share/man/man5/ocimirror.yaml.5.gz" 2>/dev/null > "$tmp/yaml.txt"
for want in 'policies\[\]\.from \(string, required\)' 'registries\.HOST\.tls \(one of: enabled' 'daemon\.listen'; do
  grep -Eq -- "$want" "$tmp/yaml.txt" || fail "ocimirror.yaml(5) lacks '$want'"
done
# The copyright file (machine-readable) and the examples.
head -1 "$tmp/x/usr/share/doc/ocimirror/copyright" 2>/dev/null |
  grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
  fail "no machine-readable /usr/share/doc/ocimirror/copyright"
for e in "$src"/examples/*.yaml; do
  cmp -s "$e" "$tmp/x/usr/share/doc/ocimirror/examples/$(basename "$e")" ||
    fail "example $(basename "$e") is not in /usr/share/doc/ocimirror/examples"
done
for script in postinst prerm postrm; do
  dpkg-deb --ctrl-tarfile "$deb" | tar -xO "./$script" > "$tmp/$script" 2>/dev/null || fail "no $script in the package"
  sh -n "$tmp/$script" || fail "$script is not valid sh"
done

# -DOCIMIRROR_TESTS=OFF: configured in a directory of its own, `ninja -n` (a dry run) shows what its build makes:
# the binary and the man pages, no test or benchmark target.
cmake -S "$src" -B "$tmp/off" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOCIMIRROR_TESTS=OFF >"$tmp/off.log" 2>&1 ||
  { cat "$tmp/off.log"; fail "configuring with -DOCIMIRROR_TESTS=OFF failed"; }
ninja -C "$tmp/off" -t targets all > "$tmp/off-targets"
grep -q '^ocimirror:' "$tmp/off-targets" && grep -q '^man_pages:' "$tmp/off-targets" ||
  fail "the OCIMIRROR_TESTS=OFF build lacks the binary or the man pages"
! grep -Eq '^(unit_tests|integration_tests|ocimirror-testkit|micro_benchmarks|fuzz_replay_[a-z]+):' "$tmp/off-targets" ||
  fail "the OCIMIRROR_TESTS=OFF build still has test targets: $(grep -E '^(unit_tests|integration_tests|ocimirror-testkit|micro_benchmarks)' "$tmp/off-targets")"
! grep -q 'GTest\|gtest' "$tmp/off/CMakeCache.txt" || fail "the OCIMIRROR_TESTS=OFF build looks for GoogleTest"

# apt inside the new root installs the .deb and whatever its Depends name (a --include of a local .deb is not seen by
# dpkg in mmdebstrap's chroot, so it is copied in and installed by a hook).
mmdebstrap --variant=minbase --mode=root --quiet --customize-hook="copy-in $deb /tmp" \
  --customize-hook="chroot \"\$1\" apt-get install -y --no-install-recommends /tmp/$(basename "$deb")" \
  bookworm "$tmp/root" >"$tmp/mm.log" 2>&1 ||
  { tail -40 "$tmp/mm.log"; fail "installing into a clean root failed"; }
version=$(chroot "$tmp/root" /usr/bin/ocimirror --version) || fail "ocimirror --version does not run there"
grep -q '^ocimirror ' <<<"$version" || fail "ocimirror --version says: $version"
offered=$(chroot "$tmp/root" /bin/bash -c 'source /usr/share/bash-completion/completions/ocimirror
  COMP_WORDS=(ocimirror sy); COMP_CWORD=1; _ocimirror; echo "${COMPREPLY[*]}"')
[ "$offered" = sync ] || fail "bash completion offers '$offered' for 'ocimirror sy'"

# The maintainer scripts, with a stand-in for a booted systemd: /run/systemd/system, and systemctl and
# deb-systemd-invoke ahead on PATH that only log what they are asked.
root=$tmp/root
mkdir -p "$root/run/systemd/system" "$root/usr/local/sbin" "$root/etc/systemd/system/multi-user.target.wants"
for tool in systemctl deb-systemd-invoke; do
  printf '#!/bin/sh\necho "%s $*" >> /tmp/systemd.log\n' "$tool" > "$root/usr/local/sbin/$tool"
  chmod 0755 "$root/usr/local/sbin/$tool"
done
cp "$deb" "$root/tmp/ocimirror.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
in_root dpkg -i /tmp/ocimirror.deb >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "reinstalling (an upgrade) failed"; }
grep -qx 'systemctl --system daemon-reload' "$root/tmp/systemd.log" || fail "an upgrade does not reload systemd"
grep -qx 'deb-systemd-invoke try-restart ocimirror.service' "$root/tmp/systemd.log" ||
  fail "an upgrade does not restart a running daemon: $(cat "$root/tmp/systemd.log")"
! grep -q 'stop' "$root/tmp/systemd.log" || fail "an upgrade stops the service"
: > "$root/tmp/systemd.log"
echo 'policies: []' > "$root/etc/ocimirror/config.yaml"   # the operator's
in_root dpkg --remove ocimirror >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg --remove failed"; }
grep -qx 'deb-systemd-invoke stop ocimirror.service' "$root/tmp/systemd.log" ||
  fail "removing the package does not stop the service: $(cat "$root/tmp/systemd.log")"
grep -qx 'systemctl --quiet disable ocimirror.service' "$root/tmp/systemd.log" || fail "removing the package does not disable the service"
[ ! -e "$root/usr/bin/ocimirror" ] && [ -e "$root/etc/ocimirror/config.example.yaml" ] ||
  fail "remove: the binary should be gone and the conffiles kept"
mkdir -p "$root/var/lib/private/ocimirror/cache"; ln -s private/ocimirror "$root/var/lib/ocimirror"
in_root dpkg --purge ocimirror >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg --purge failed"; }
[ ! -e "$root/var/lib/private/ocimirror" ] && [ ! -L "$root/var/lib/ocimirror" ] || fail "purge leaves the state directory"
[ -e "$root/etc/ocimirror/config.yaml" ] || fail "purge removed the operator's config.yaml"
[ ! -e "$root/etc/ocimirror/config.example.yaml" ] || fail "purge leaves the example conffile"
echo "deb package: $(du -h "$deb" | cut -f1) (debug symbols $(du -h "$ddeb" | cut -f1) apart), $(wc -w <<<"$pages") man pages, installs into a clean root, runs, upgrades, removes and purges: ok"
