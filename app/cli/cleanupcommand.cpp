// lbscope-cli cleanup: deletes lbscope debug pods left behind (label app.kubernetes.io/managed-by=lbscope).
#ifdef HAVE_LBSCOPE_CAPTURE
#include "app/clikit/commandline.h"
#include "commands.h"
#include "kubecli.h"

#include "core/kube/debugpod.h"

#include <cstdio>

namespace lbs::cli {

int runCleanup(const std::vector<std::string> &argv)
{
    kubecli::Args args;
    std::string ns;
    bool all = false;
    CommandLine cl("cleanup",
        "usage: lbscope-cli cleanup [--context C] [--kubeconfig PATH] [--namespace NS] [--all] [--json]",
        "Deletes the lbscope debug pods (label app.kubernetes.io/managed-by=lbscope, all namespaces unless\n"
        "--namespace) that this user on this machine started, and any that have ended (Failed or\n"
        "Succeeded). A running pod started by someone else may be their capture in progress: it is listed\n"
        "and kept, unless --all.");
    cl.table().add_option("-n,--namespace", ns, "only this namespace")->type_name("NS");
    cl.table().add_flag("--all", all, "delete other users' running debug pods too");
    kubecli::addOptions(cl.table(), args);
    if (const auto code = cl.parse(argv))
        return *code;
    auto client = kubecli::connect(args);
    if (!client)
        return kubecli::fail("cleanup", client.error());
    CancelToken cancel;
    auto report
        = kube::cleanupLeftovers(**client, QString::fromStdString(ns), kube::localOwner(), all, cancel);
    if (!report)
        return kubecli::fail("cleanup", report.error());
    if (args.json) {
        kubecli::printJson(report->toJson());
    } else {
        for (const QString &p : report->deleted)
            std::printf("deleted pod %s\n", p.toUtf8().constData());
        for (const QString &p : report->failed)
            std::fprintf(stderr, "could not delete %s\n", p.toUtf8().constData());
        for (const QString &p : report->kept)
            std::printf(
                "kept pod %s: another user's, still running (--all deletes it)\n", p.toUtf8().constData());
        if (report->deleted.isEmpty() && report->failed.isEmpty() && report->kept.isEmpty())
            std::printf("no lbscope debug pods found\n");
    }
    return report->failed.isEmpty() ? 0 : 1;
}

} // namespace lbs::cli
#endif
