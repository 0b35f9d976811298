#!/usr/bin/env bash
# Builds ocimirror's container image offline, from this machine's Debian packages: the stripped binary, the shared
# libraries it loads (from the bookworm packages installed here, each package's copyright file beside them), the
# CA certificates, ocimirror's own copyright file (deploy/debian/copyright, as in the .deb), a non-root user (65532)
# and nothing else: no shell, no package manager. Written as an OCI archive with buildah (a scratch container, one
# layer, timestamps at the commit's time so the same inputs give the same digest). deploy/container/Dockerfile
# builds the same image where a network and docker are at hand.
# Usage: build-image.sh BUILD_DIR OUTPUT.tar [NAME:TAG]   (default NAME:TAG: ghcr.io/ocimirror/ocimirror:VERSION)
# (scripts/package.sh --image builds BUILD_DIR without the tests and runs this.)
# Prints the runtime packages, one "name version" per line, on stdout (the Dockerfile installs the same).
set -euo pipefail
build=$(cd "$1" && pwd) out=$2
bin=$build/ocimirror
[ -x "$bin" ] || { echo "build-image.sh: no $bin (build first)" >&2; exit 2; }
version=$("$bin" --version | awk 'NR == 1 {print $2}')
commit=$("$bin" --version | sed -n '1s/.*(commit \(.*\))/\1/p')
name=${3:-ghcr.io/ocimirror/ocimirror:$version}
work=$(mktemp -d); root=$work/root
ctr=""
trap '[ -z "$ctr" ] || buildah rm "$ctr" >/dev/null 2>&1; rm -rf "$work"' EXIT

install -d -m 0755 "$root/usr/bin" "$root/etc/ssl/certs" "$root/etc/ocimirror" "$root/usr/share/doc/ocimirror"
install -d -m 1777 "$root/tmp"
install -d -m 0700 "$root/var/lib/ocimirror"
chown 65532:65532 "$root/var/lib/ocimirror"
objcopy --strip-unneeded "$bin" "$root/usr/bin/ocimirror"
chmod 0755 "$root/usr/bin/ocimirror"
install -m 0644 "$(dirname "$0")/../debian/copyright" "$root/usr/share/doc/ocimirror/copyright"

# The libraries, at the paths the loader looks them up by, and the Debian packages they come from.
libs=$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
packages=()
for lib in $libs; do
  real=$(readlink -f "$lib")
  install -D -m 0755 "$real" "$root$lib"
  pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null) ||
    { echo "build-image.sh: no Debian package ships $lib" >&2; exit 1; }
  packages+=("${pkg%%:*}")
done
packages+=(ca-certificates)
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
list=$(for p in $(printf '%s\n' "${packages[@]}" | sort -u); do
  echo "$p $(dpkg-query -W -f '${Version}' "$p")"
  install -D -m 0644 "/usr/share/doc/$p/copyright" "$root/usr/share/doc/$p/copyright"
done)
echo "$list" > "$root/usr/share/doc/ocimirror/packages.txt"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnonroot:x:65532:65532:nonroot:/var/lib/ocimirror:/usr/sbin/nologin\n' \
  > "$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"

created=$(git -C "$(dirname "$0")" log -1 --format=%ct 2>/dev/null || echo 0)
tar -C "$root" --numeric-owner --sort=name --mtime="@$created" -cf "$work/rootfs.tar" .
ctr=$(buildah from scratch)
buildah add "$ctr" "$work/rootfs.tar" / >/dev/null
buildah config --user 65532:65532 --workingdir /var/lib/ocimirror --port 9469 --volume /var/lib/ocimirror \
  --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --entrypoint '["/usr/bin/ocimirror"]' \
  --cmd '["daemon", "--config", "/etc/ocimirror/config.yaml", "--state-dir", "/var/lib/ocimirror", "--listen", "0.0.0.0:9469"]' \
  --label org.opencontainers.image.title=ocimirror \
  --label "org.opencontainers.image.description=Mirrors OCI artifacts between registries, digest-exact" \
  --label "org.opencontainers.image.version=$version" --label "org.opencontainers.image.revision=$commit" \
  --label org.opencontainers.image.base.name=scratch "$ctr"
rm -f "$out"
buildah commit --quiet --format oci --identity-label=false --timestamp "$created" "$ctr" "oci-archive:$out:$name" >/dev/null
echo "$list"
