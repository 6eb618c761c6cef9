#!/usr/bin/env bash
# Desktop integration as installed by `cmake --install`: the binaries, the .desktop entry (validated,
# Exec takes files, MIME types for pcap/pcapng), the shared-mime-info package (compiled with
# update-mime-database so its globs and magic really map to those types), the hicolor icon, and
# --help/--version answering without a display.
#   installcheck.sh <build dir> <expected version>
set -euo pipefail
build=${1:?build dir}
version=${2:?expected version}
prefix=$(mktemp -d "${TMPDIR:-/tmp}/lbscope-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

cmake --install "$build" --prefix "$prefix" >/dev/null \
    || { echo "FAIL: cmake --install $build --prefix $prefix exited $?" >&2; exit 1; }

for f in bin/lbscope bin/lbscope-cli; do
    [ -x "$prefix/$f" ] || fail "$f is not installed as an executable under $prefix"
done
desktop=$prefix/share/applications/lbscope.desktop
mimexml=$prefix/share/mime/packages/lbscope.xml
icon=$prefix/share/icons/hicolor/scalable/apps/lbscope.svg
for f in "$desktop" "$mimexml" "$icon"; do
    [ -s "$f" ] || fail "${f#"$prefix"/} is missing or empty"
done

if [ -s "$desktop" ]; then
    key() { sed -n "s/^$1=//p" "$desktop" | head -n1; }
    [ "$(key Type)" = Application ] || fail "lbscope.desktop: Type is '$(key Type)', expected Application"
    [ "$(key Exec)" = "lbscope %F" ] || fail "lbscope.desktop: Exec is '$(key Exec)', expected 'lbscope %F'"
    [ "$(key Icon)" = lbscope ] || fail "lbscope.desktop: Icon is '$(key Icon)', expected lbscope (the hicolor name)"
    mimes=";$(key MimeType)"
    for m in application/vnd.tcpdump.pcap application/x-pcapng; do
        case "$mimes" in *";$m;"*) ;; *) fail "lbscope.desktop: MimeType '$(key MimeType)' lacks $m" ;; esac
    done
    if command -v desktop-file-validate >/dev/null; then
        out=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate: $out"
    else
        echo "note: desktop-file-validate not installed (desktop-file-utils); syntax not validated" >&2
    fi
fi

if [ -s "$mimexml" ]; then
    if command -v update-mime-database >/dev/null; then
        # Compile only our package into the temporary prefix: what a desktop would see.
        out=$(update-mime-database "$prefix/share/mime" 2>&1) || fail "update-mime-database: $out"
        globs=$prefix/share/mime/globs2
        for pair in '*.pcap:application/vnd.tcpdump.pcap' '*.pcapng:application/x-pcapng'; do
            grep -qxF "50:${pair#*:}:${pair%%:*}" "$globs" 2>/dev/null \
                || fail "MIME database built from lbscope.xml does not map ${pair%%:*} to ${pair#*:}"
        done
        for t in application/vnd.tcpdump.pcap application/x-pcapng; do
            grep -aqF ":$t]" "$prefix/share/mime/magic" 2>/dev/null \
                || fail "MIME database built from lbscope.xml has no magic for $t"
        done
    else
        echo "note: update-mime-database not installed (shared-mime-info); MIME XML not compiled" >&2
    fi
fi

if [ -x "$prefix/bin/lbscope" ]; then
    # No display: --help/--version must still answer.
    v=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$prefix/bin/lbscope" --version 2>&1) \
        || fail "lbscope --version exited non-zero: $v"
    case "$v" in *"$version"*) ;; *) fail "lbscope --version printed '$v', expected version $version" ;; esac
    h=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$prefix/bin/lbscope" --help 2>&1) \
        || fail "lbscope --help exited non-zero: $h"
    for word in "--version" "--exit-after-load" "FILE"; do
        case "$h" in *"$word"*) ;; *) fail "lbscope --help does not mention $word" ;; esac
    done
    case "$h" in *"--palette"*) fail "lbscope --help shows the hidden debugging option --palette" ;; esac
fi

[ "$fails" -eq 0 ] || { echo "$fails install check(s) failed (prefix $prefix)" >&2; exit 1; }
echo "install checks passed: binaries, .desktop, MIME package, icon, --help/--version"
