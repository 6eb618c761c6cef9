#pragma once

#include "core/common/error.h"

#include <QString>

namespace lbs::kube {

/// The PATH a login shell of the user sets up: runs `shell -l -c 'printf …"$PATH"'` with no stdin
/// and waits at most `timeoutMs`. Output the profile prints before (banners, motd) is ignored.
/// Errors name the shell and say why (not found, timed out, exit code, no PATH printed).
/// Used by the desktop app, whose own PATH is minimal when it is started from a menu, so that exec
/// credential plugins installed in ~/bin or an SDK directory are found (see setExecPluginSearchPath).
Result<QString> loginShellPath(const QString &shell, int timeoutMs);

/// loginShellPath($SHELL, timeoutMs), with /bin/sh when SHELL is unset.
Result<QString> loginShellPathFromEnvironment(int timeoutMs);

} // namespace lbs::kube
