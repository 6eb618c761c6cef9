// Fuzz target "ipjson": what `ip -j addr` and `ip -j route` print on a node, read by the locator.

#include "core/kube/ipjson.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)lbs::kube::parseIpAddr(json);
    (void)lbs::kube::parseIpRoute(json);
    return 0;
}
