#!/usr/bin/env bash
# Runs a test against a real system keychain: a private D-Bus session bus with gnome-keyring's Secret
# Service, its login keyring created and unlocked with a throwaway password, in a throwaway HOME and
# XDG data directory (the user's own keyring is never touched).
#   keychainsession.sh TEST_BINARY [ARGS...]
set -euo pipefail
for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
    command -v "$tool" >/dev/null || { echo "keychainsession: $tool is missing (scripts/deps test installs it)" >&2; exit 1; }
done
home=$(mktemp -d /tmp/lbscope-keychain.XXXXXX)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config XDG_RUNTIME_DIR=$home/run
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- bash -c '
    set -euo pipefail
    printf %s throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' keychainsession "$@"
