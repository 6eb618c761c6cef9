#!/usr/bin/env bash
# The Debian package as a user gets it: cpack builds lbscope_<version>_amd64.deb from the build tree,
# dpkg -i installs it on this machine, then the installed tools are used the way people use them
# (lbscope-cli --version, kubectl lbscope through kubectl's plugin discovery, completion, man pages,
# the desktop entry and MIME default), and dpkg -r must leave none of its files behind.
#   packagecheck.sh <build dir> <expected version>      (root: it installs into /usr)
set -euo pipefail
build=${1:?build dir}
version=${2:?expected version}
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

[ "$(id -u)" -eq 0 ] || { echo "FAIL: dpkg -i needs root (scripts/test runs as root)" >&2; exit 1; }
# A package this test installed and could not remove (killed at its timeout) carries this mark; one
# installed by someone else is left alone.
mark=/var/lib/lbscope-packagecheck.installed
status() { dpkg-query -W -f='${Status}' lbscope 2>/dev/null || true; }
present() { case "$(status)" in "" | *not-installed) return 1 ;; *) return 0 ;; esac; }
if present; then
    if [ -e "$mark" ]; then
        dpkg --purge lbscope >/dev/null 2>&1 || true
        rm -f "$mark"
    else
        echo "FAIL: a lbscope package is already on this machine ($(status)); remove it first (dpkg --purge lbscope)" >&2
        exit 1
    fi
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/lbscope-package.XXXXXX")
cleanup() {
    if [ -e "$mark" ]; then
        dpkg --purge lbscope >/dev/null 2>&1 || true
        rm -f "$mark"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

(cd "$build" && cpack -G DEB -B "$work" >"$work/cpack.log" 2>&1) \
    || { cat "$work/cpack.log" >&2; echo "FAIL: cpack -G DEB" >&2; exit 1; }
deb=$work/lbscope_${version}_$(dpkg --print-architecture).deb
[ -s "$deb" ] || { ls "$work" >&2; echo "FAIL: $deb was not made" >&2; exit 1; }

# Depends computed from the binaries (dpkg-shlibdeps), not a hand-made list.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6core6 libqt6widgets6 libqt6network6 libssh libpcap0.8 libqcustomplot libyaml-cpp libc6; do
    case "$depends" in *"$lib"*) ;; *) fail "Depends lacks $lib: $depends" ;; esac
done

touch "$mark"
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; echo "FAIL: dpkg -i" >&2; exit 1; }
mapfile -t files < <(dpkg -L lbscope | while read -r f; do [ -d "$f" ] || echo "$f"; done)

v=$(/usr/bin/lbscope-cli --version 2>&1) || fail "lbscope-cli --version exited non-zero: $v"
[ "$v" = "lbscope-cli $version" ] || fail "lbscope-cli --version printed '$v'"

# kubectl's own plugin discovery finds it on PATH.
if kubectl=$(command -v kubectl); then
    list=$(PATH=/usr/bin:/bin "$kubectl" plugin list 2>&1 || true)
    case "$list" in *"/usr/bin/kubectl-lbscope"*) ;; *) fail "kubectl plugin list does not show kubectl-lbscope: $list" ;; esac
    h=$(PATH=/usr/bin:/bin "$kubectl" lbscope --help 2>&1) || fail "kubectl lbscope --help exited non-zero: $h"
    case "$h" in *"locate"*) ;; *) fail "kubectl lbscope --help does not list the commands: $h" ;; esac
    h=$(PATH=/usr/bin:/bin "$kubectl" lbscope locate --help 2>&1) || fail "kubectl lbscope locate --help: $h"
    case "$h" in *"--service"*) ;; *) fail "kubectl lbscope locate --help lacks --service: $h" ;; esac
    c=$(PATH=/usr/bin:/bin "$kubectl" __complete lbscope loc 2>&1 || true)
    case "$c" in *"locate"*) ;; *) fail "kubectl lbscope <TAB> does not complete 'loc' to locate: $c" ;; esac
else
    fail "kubectl is not on PATH: the kubectl plugin cannot be checked"
fi

# Desktop entry and MIME default.
out=$(desktop-file-validate /usr/share/applications/lbscope.desktop 2>&1) || fail "desktop-file-validate: $out"
# With an empty home: the machine's defaults, not a user's own choices.
d=$(HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_CURRENT_DESKTOP= \
    xdg-mime query default application/vnd.tcpdump.pcap 2>&1 || true)
[ "$d" = "lbscope.desktop" ] || fail "xdg-mime query default application/vnd.tcpdump.pcap gives '$d', expected lbscope.desktop"
t=$(xdg-mime query filetype "$(dirname "$0")/../../resources/sample/sample.pcap" 2>&1 || true)
[ "$t" = "application/vnd.tcpdump.pcap" ] || fail "xdg-mime query filetype sample.pcap gives '$t'"

# Man pages from the option tables.
for page in lbscope-cli lbscope; do
    m=$(man -w "$page" 2>&1) || fail "man -w $page: $m"
done
grep -q -- '\\-\\-service' /usr/share/man/man1/lbscope-cli.1 || fail "lbscope-cli(1) does not describe --service"

# Icons in every size, completion for three shells.
for s in 16 22 24 32 48 64 128 256 512; do
    [ -s "/usr/share/icons/hicolor/${s}x${s}/apps/lbscope.png" ] || fail "no ${s}x${s} icon"
done
r=$(bash -c 'source /usr/share/bash-completion/completions/lbscope-cli
    COMP_LINE="lbscope-cli loc"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(lbscope-cli loc); COMP_CWORD=1
    _lbscope_cli; echo "${COMPREPLY[*]}"' 2>&1)
[ "$r" = "locate" ] || fail "bash completion of 'lbscope-cli loc' gives '$r'"
[ -s /usr/share/zsh/vendor-completions/_lbscope-cli ] || fail "no zsh completion"
[ -s /usr/share/fish/vendor_completions.d/lbscope-cli.fish ] || fail "no fish completion"

dpkg -r lbscope >"$work/dpkg-r.log" 2>&1 || fail "dpkg -r lbscope: $(cat "$work/dpkg-r.log")"
if present; then fail "lbscope is still on the machine after dpkg -r ($(status))"; else rm -f "$mark"; fi
for f in "${files[@]}"; do
    [ -e "$f" ] || [ -L "$f" ] && fail "$f is left after dpkg -r"
done

[ "$fails" -eq 0 ] || { echo "$fails package check(s) failed" >&2; exit 1; }
echo "package checks passed: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB), ${#files[@]} files installed and removed"
