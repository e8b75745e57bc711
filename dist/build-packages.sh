#!/usr/bin/env bash
# Builds turnctl_<version>_amd64.deb and turnctl-<version>-linux-amd64.tar.gz from the runnable
# jar, the man pages and the completion script that `mvn package` made in cli/target. Each holds a
# jlink runtime (the host needs no JDK), the launcher, the systemd unit, the example config, the
# man pages and the completion. `mvn -Pdist package` runs this; so does a test (DistPackagesIT).
#
#   dist/build-packages.sh VERSION CLI_TARGET_DIR OUT_DIR
#
# Needs a JDK 17 with jmods (jlink, jdeps) at $JAVA_HOME or on PATH, and dpkg-deb.
set -euo pipefail

version="${1:?version}"
cli_target="$(readlink -f "${2:?cli target dir}")"
out="$(mkdir -p "${3:?out dir}" && readlink -f "$3")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
bin="${JAVA_HOME:+$JAVA_HOME/bin/}"

jar="$cli_target/turnctl.jar"
for f in "$jar" "$cli_target/turnctl_completion" "$cli_target/man/man1/turnctl.1"; do
    [[ -f "$f" ]] || { echo "build-packages: $f is missing (run mvn package first)" >&2; exit 2; }
done
command -v dpkg-deb >/dev/null || { echo "build-packages: dpkg-deb is needed" >&2; exit 2; }

# Debian orders 0.1.0~SNAPSHOT before 0.1.0; a '-' would start a Debian revision.
deb_version="${version//-/\~}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The runtime: the modules the jar uses (jdeps), plus service providers jdeps cannot see:
# jdk.crypto.ec for TLS/DTLS key exchange with EC certificates and ECDHE.
modules="$("${bin}jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$jar")"
modules="$modules,jdk.crypto.ec"
"${bin}jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$work/runtime"

# One tree, laid out as the .deb installs it; the tarball holds the /usr/lib/turnctl part plus docs.
lib="$work/deb/usr/lib/turnctl"
mkdir -p "$lib/bin" "$work/deb/usr/bin" "$work/deb/etc/turnctl" "$work/deb/lib/systemd/system" \
    "$work/deb/usr/share/man/man1" "$work/deb/usr/share/bash-completion/completions" "$work/deb/usr/share/doc/turnctl"
cp -a "$work/runtime" "$lib/runtime"
install -m 0644 "$jar" "$lib/turnctl.jar"
install -m 0755 "$here/turnctl.sh" "$lib/bin/turnctl"
ln -s ../lib/turnctl/bin/turnctl "$work/deb/usr/bin/turnctl"
# The unit runs the bundled runtime; java stays the main process (Type=notify, NotifyAccess=main).
sed -e 's#/usr/bin/java#/usr/lib/turnctl/runtime/bin/java#' -e 's#/opt/turnctl/turnctl.jar#/usr/lib/turnctl/turnctl.jar#' \
    "$root/systemd/turnctl.service" > "$work/deb/lib/systemd/system/turnctl.service"
# The config starts without credentials: the example's demo user is commented out, so an installed
# relay never runs with a password from the internet.
sed -e 's/^user = alice:change-me$/# user = alice:change-me/' "$root/deploy/turnctl.conf.example" \
    > "$work/deb/etc/turnctl/turnctl.conf"
install -m 0644 "$root/deploy/turnctl.conf.example" "$work/deb/usr/share/doc/turnctl/turnctl.conf.example"
for page in "$cli_target"/man/man1/*.1; do
    gzip -9n < "$page" > "$work/deb/usr/share/man/man1/$(basename "$page").gz"
done
install -m 0644 "$cli_target/turnctl_completion" "$work/deb/usr/share/bash-completion/completions/turnctl"

mkdir -p "$work/deb/DEBIAN"
size_kib="$(du -sk --exclude=DEBIAN "$work/deb" | cut -f1)"
sed -e "s/@VERSION@/$deb_version/" -e "s/@SIZE@/$size_kib/" "$here/debian/control" > "$work/deb/DEBIAN/control"
install -m 0644 "$here/debian/conffiles" "$work/deb/DEBIAN/conffiles"
install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$work/deb/DEBIAN/"
deb="$out/turnctl_${deb_version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$work/deb" "$deb" >/dev/null

name="turnctl-$version-linux-amd64"
mkdir -p "$work/tar/$name/share"
cp -a "$lib/." "$work/tar/$name/"
cp -a "$work/deb/usr/share/man" "$work/deb/usr/share/bash-completion" "$work/tar/$name/share/"
install -m 0644 "$work/deb/lib/systemd/system/turnctl.service" "$root/deploy/turnctl.conf.example" "$work/tar/$name/"
tar -C "$work/tar" --owner=0 --group=0 -czf "$out/$name.tar.gz" "$name"

echo "$deb"
echo "$out/$name.tar.gz"
