#ifdef HAVE_LBSCOPE_CAPTURE
#include "kubecli.h"

#include <QJsonDocument>

#include <algorithm>
#include <cstdio>

namespace lbs::cli::kubecli {

Result<Args> parse(const std::vector<std::string> &args, const std::vector<std::string> &valueOptions,
    const std::vector<std::string> &flagOptions)
{
    Args a;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        std::string value;
        bool hasInline = false;
        if (name.rfind("--", 0) == 0) {
            const auto eq = name.find('=');
            if (eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                hasInline = true;
            }
        }
        auto takeValue = [&]() -> Result<std::string> {
            if (hasInline)
                return value;
            if (i + 1 >= args.size())
                return Error {name + " needs a value", {}, "see --help"};
            return args[++i];
        };
        if (name == "--help" || name == "-h") {
            a.help = true;
        } else if (name == "--json") {
            a.json = true;
        } else if (name == "--kubeconfig" || name == "--context") {
            auto v = takeValue();
            if (!v)
                return v.error();
            (name == "--kubeconfig" ? a.kubeconfig : a.context) = *v;
        } else if (std::find(valueOptions.begin(), valueOptions.end(), name) != valueOptions.end()) {
            auto v = takeValue();
            if (!v)
                return v.error();
            a.options.emplace_back(name, *v);
        } else if (std::find(flagOptions.begin(), flagOptions.end(), name) != flagOptions.end()) {
            a.flags.push_back(name);
        } else if (name.rfind("-", 0) == 0 && name.size() > 1) {
            return Error {"unknown option " + name, {}, "see --help"};
        } else {
            a.positional.push_back(args[i]);
        }
    }
    return a;
}

std::string option(const Args &a, const std::string &name, const std::string &fallback)
{
    for (const auto &[n, v] : a.options) {
        if (n == name)
            return v;
    }
    return fallback;
}

bool flag(const Args &a, const std::string &name)
{
    return std::find(a.flags.begin(), a.flags.end(), name) != a.flags.end();
}

std::unique_ptr<QCoreApplication> ensureApp()
{
    if (QCoreApplication::instance())
        return nullptr;
    static int argc = 1;
    static char name[] = "lbscope-cli";
    static char *argv[] = {name, nullptr};
    return std::make_unique<QCoreApplication>(argc, argv);
}

Result<std::unique_ptr<kube::KubeClient>> connect(const Args &a)
{
    auto client = kube::KubeClient::fromKubeconfig(
        QString::fromStdString(a.kubeconfig), QString::fromStdString(a.context));
    if (client)
        printWarnings(**client);
    return client;
}

int fail(const char *command, const Error &e)
{
    std::fprintf(stderr, "lbscope-cli %s: %s\n", command, e.toString().c_str());
    return 1;
}

void printWarnings(const kube::KubeClient &client)
{
    static QStringList printed;
    for (const QString &w : client.warnings()) {
        if (printed.contains(w))
            continue;
        printed << w;
        std::fprintf(stderr, "warning: %s\n", w.toUtf8().constData());
    }
}

void printJson(const QJsonObject &o)
{
    std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
}

void printTable(const std::vector<std::vector<std::string>> &rows)
{
    std::vector<std::size_t> width;
    for (const auto &r : rows) {
        width.resize(std::max(width.size(), r.size()));
        for (std::size_t c = 0; c < r.size(); ++c)
            width[c] = std::max(width[c], r[c].size());
    }
    for (const auto &r : rows) {
        std::string line;
        for (std::size_t c = 0; c < r.size(); ++c) {
            line += r[c];
            if (c + 1 < r.size())
                line += std::string(width[c] - r[c].size() + 3, ' ');
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        std::printf("%s\n", line.c_str());
    }
}

} // namespace lbs::cli::kubecli
#endif
