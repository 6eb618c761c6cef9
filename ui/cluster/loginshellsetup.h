#pragma once
// Started from a desktop menu, lbscope's PATH is the session's minimal one, where exec credential
// plugins (aws, gke-gcloud-auth-plugin, kubelogin…) are often missing. At start the login shell's PATH
// is resolved once on a background thread; connecting waits for it, then exec plugins are looked up
// there first.

#include <QString>

namespace lbs::ui {

/// Starts the lookup ($SHELL -l, at most `timeoutMs`); later calls do nothing.
void startLoginShellPathLookup(int timeoutMs = 3000);
/// Blocks until the lookup finished (call it from worker threads only); returns its error message,
/// empty when the PATH was adopted or no lookup was started.
QString waitForLoginShellPath();

} // namespace lbs::ui
