// lbscope-cli verify: checks capture directories against their manifest.json (size and sha256 of
// every file), after a copy, an archive or a hand edit.
#ifdef HAVE_LBSCOPE_CAPTURE
#include "app/clikit/commandline.h"
#include "commands.h"
#include "kubecli.h"

#include "app/clikit/terminal.h"

#include "core/capture/captureverify.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace lbs::cli {

using clikit::terminalSafe;

int runVerify(const std::vector<std::string> &argv)
{
    std::vector<std::string> dirs;
    bool json = false;
    CommandLine cl("verify", "usage: lbscope-cli verify DIR... [--json]",
        "Checks capture directories written by lbscope-cli capture or fetch: every file manifest.json lists\n"
        "is there with the recorded size and sha256. Capture files the manifest does not list are named.\n"
        "Exit status 0 when every listed file is as downloaded, 1 when one is missing or differs or a\n"
        "manifest cannot be read.");
    cl.table().add_option("DIR", dirs, "capture directory (holding manifest.json)")->required();
    cl.table().add_flag("--json", json, "print {\"dirs\":[{\"dir\",\"ok\",\"error\",\"files\":[...]}]}");
    if (const auto code = cl.parse(argv))
        return *code;
    bool allOk = true;
    QJsonArray jsonDirs;
    CancelToken cancel;
    for (const std::string &dir : dirs) {
        const auto files = capture::verifyCaptureDirectory(dir, cancel);
        const QJsonObject verdict = capture::verificationJson(dir, files);
        allOk = allOk && verdict.value(QStringLiteral("ok")).toBool();
        if (json) {
            jsonDirs.append(verdict);
        } else if (!files) {
            std::fprintf(stderr, "lbscope-cli verify: %s\n", terminalSafe(files.error().toString()).c_str());
        } else {
            for (const capture::VerifiedFile &f : files.value())
                std::fprintf(f.isProblem() ? stderr : stdout, "%s/%s: %s: %s\n", terminalSafe(dir).c_str(),
                    terminalSafe(f.name).c_str(), capture::VerifiedFile::statusName(f.status),
                    terminalSafe(f.message()).c_str());
            if (files->empty())
                std::printf("%s: manifest.json lists no file\n", terminalSafe(dir).c_str());
        }
    }
    if (json)
        kubecli::printJson(QJsonObject {{QStringLiteral("dirs"), jsonDirs}});
    return allOk ? 0 : 1;
}

} // namespace lbs::cli
#endif
