#!/usr/bin/env bash
# Builds PX360's release files into dist/ (or $DIST):
#   px360                      linux/amd64, static (CGO_ENABLED=0)
#   px360.exe                  windows/amd64, static
#   px360_<version>_amd64.deb  Debian/Ubuntu package (dpkg-deb)
#   px360-setup.exe            Windows installer (makensis, Debian package "nsis")
#   SHA256SUMS                 checksums of all of the above
#
# Usage: install/build.sh [binaries|deb|setup|sums]...   (no step: all of them, in order)
# Environment:
#   VERSION    version stamped into the binaries (default: git describe, else "dev")
#   DIST       output directory (default: dist in the repository)
#   PX360_BIN  / PX360_EXE: package these binaries instead of dist/px360 / dist/px360.exe
# Any failure (a missing packaging tool included) exits non-zero, so CI fails with it.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
DIST="${DIST:-$repo/dist}"
mkdir -p "$DIST"
DIST="$(cd "$DIST" && pwd)"

if [ -z "${VERSION:-}" ]; then
	VERSION="$(git -C "$repo" describe --tags --always --dirty 2>/dev/null || echo dev)"
fi

# deb_version turns VERSION into a Debian version that sorts upgrades right: a release
# tag (v1.2.3, 1.2.3-4-gabc) keeps its numbers; an untagged commit becomes
# 0.0.0+git<commit time>.<hash>, so later commits compare newer.
deb_version() {
	local v="${VERSION#v}"
	if [[ "$v" =~ ^[0-9]+\.[0-9]+[0-9A-Za-z.+~-]*$ ]]; then
		echo "${v//-/+}"
		return
	fi
	local stamp sha
	stamp="$(git -C "$repo" log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S 2>/dev/null || date -u +%Y%m%d%H%M%S)"
	sha="$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo local)"
	echo "0.0.0+git${stamp}.${sha}"
}

# numeric_version is the a.b.c.d Windows wants in the installer's version resource.
numeric_version() {
	local v
	v="$(deb_version)"
	if [[ "$v" =~ ^([0-9]+)\.([0-9]+)(\.([0-9]+))? ]]; then
		echo "${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[4]:-0}.0"
	else
		echo "0.0.0.0"
	fi
}

need() {
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "build.sh: $1 is required for the $2 (apt-get install $3)" >&2
		exit 1
	fi
}

binaries() {
	echo "== binaries (version $VERSION)"
	local flags="-s -w -X main.version=$VERSION"
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags="$flags" -o "$DIST/px360" .
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -ldflags="$flags" -o "$DIST/px360.exe" .
}

deb() {
	need dpkg-deb ".deb" dpkg
	local bin="${PX360_BIN:-$DIST/px360}" version stage out
	[ -f "$bin" ] || { echo "build.sh: no linux binary at $bin (run the binaries step first)" >&2; exit 1; }
	version="$(deb_version)"
	echo "== .deb (version $version)"
	stage="$(mktemp -d)"
	chmod 0755 "$stage"
	install -d -m 0755 "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/lib/systemd/system" "$stage/usr/share/doc/px360"
	install -m 0755 "$bin" "$stage/usr/bin/px360"
	install -m 0644 install/deb/px360.service "$stage/usr/lib/systemd/system/px360.service"
	install -m 0644 README.md "$stage/usr/share/doc/px360/README"
	for script in postinst prerm postrm; do
		install -m 0755 "install/deb/$script" "$stage/DEBIAN/$script"
	done
	cat >"$stage/DEBIAN/control" <<-EOF
		Package: px360
		Version: $version
		Architecture: amd64
		Maintainer: PX360 <support@px360.invalid>
		Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
		Section: web
		Priority: optional
		Recommends: adduser
		Description: PX360 patient experience management appliance
		 One self-contained server for a hospital group: complaints, surveys, feedback,
		 improvement actions and reports, in English and Arabic, with its database,
		 search, web pages and backups inside. It runs as the px360 systemd service with
		 its data in /var/lib/px360; open http://localhost:8080/ to set it up.
	EOF
	chmod 0644 "$stage/DEBIAN/control"
	rm -f "$DIST"/px360_*_amd64.deb
	out="$DIST/px360_${version}_amd64.deb"
	SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}" \
		dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
	rm -rf "$stage"
	echo "$out"
}

setup() {
	need makensis "Windows setup.exe" nsis
	local exe="${PX360_EXE:-$DIST/px360.exe}"
	[ -f "$exe" ] || { echo "build.sh: no windows binary at $exe (run the binaries step first)" >&2; exit 1; }
	echo "== setup.exe (version $VERSION)"
	exe="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"
	makensis -INPUTCHARSET UTF8 -V2 -DVERSION="$VERSION" -DNUMVERSION="$(numeric_version)" \
		-DPX360_EXE="$exe" -DOUTFILE="$DIST/px360-setup.exe" install/windows/px360.nsi
	echo "$DIST/px360-setup.exe"
}

sums() {
	echo "== SHA256SUMS"
	(
		cd "$DIST"
		shopt -s nullglob
		files=()
		for f in px360 px360.exe px360_*_amd64.deb px360-setup.exe; do
			[ -f "$f" ] && files+=("$f")
		done
		[ ${#files[@]} -gt 0 ] || { echo "build.sh: nothing to sum in $DIST" >&2; exit 1; }
		sha256sum "${files[@]}" >SHA256SUMS
		cat SHA256SUMS
	)
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(binaries deb setup sums)
for step in "${steps[@]}"; do
	case "$step" in
	binaries | deb | setup | sums) "$step" ;;
	*)
		echo "build.sh: unknown step $step (want binaries, deb, setup or sums)" >&2
		exit 2
		;;
	esac
done
