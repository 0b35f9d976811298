#!/usr/bin/env bash
# The Debian package (`cpack -G DEB`): its dependencies computed (dpkg-shlibdeps), the binary stripped and its
# debug symbols in the -dbgsym package, the unit, the example configs as conffiles, the man page and the bash/zsh
# completions; then installed into a clean bookworm root (mmdebstrap --variant=minbase, which resolves the
# package's dependencies from the Debian mirror with apt), where `ocimirror --version` runs and completion
# offers the commands. Usage: deb_package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
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
zcat "$tmp/x/usr/share/man/man1/ocimirror.1.gz" > "$tmp/man"
grep -q '^\.SS sync' "$tmp/man" || fail "the man page lacks the sync command"

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
echo "deb package: $(du -h "$deb" | cut -f1) (debug symbols $(du -h "$ddeb" | cut -f1) apart), installs into a clean root, runs: ok"
