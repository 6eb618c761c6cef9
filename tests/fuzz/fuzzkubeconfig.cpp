// Fuzz target "kubeconfig": kubeconfig YAML as kubectl reads it. The input holds one or two files
// (split at the first NUL byte); each is parsed, the two are merged with kubectl's rules, and every
// context is resolved. Nothing is read from disk and no credential plugin runs.

#include "core/kube/kubeconfigloader.h"
#include "fuzzinput.h"

#include <cstddef>
#include <cstdint>

using namespace lbs::kube;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> parts = lbs::fuzz::splitParts(data, size, 2);
    QList<KubeConfig> files;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        auto parsed = KubeConfigLoader::parse(parts[i], QStringLiteral("/nonexistent/kube/config%1").arg(i));
        if (parsed.ok())
            files << parsed.value();
    }
    const KubeConfig merged = KubeConfigLoader::merge(files);
    (void)merged.describeFiles();
    (void)merged.resolve();
    for (const ContextInfo &c : merged.contexts)
        (void)merged.resolve(c.name);
    return 0;
}
