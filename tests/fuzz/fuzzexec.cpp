// Fuzz target "exec": the messages of an exec WebSocket stream. The input is split at NUL bytes
// into binary messages; each is split into channel and payload, and a channel-3 payload is read
// as the command's end status under both protocol versions (v5 and v4) and an unknown one.

#include "core/kube/execprotocol.h"
#include "fuzzinput.h"

#include <cstddef>
#include <cstdint>

using namespace lbs::kube;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (const QByteArray &message : lbs::fuzz::splitParts(data, size, 64)) {
        const auto frame = execproto::decode(message);
        if (!frame)
            continue;
        if (frame->channel == execproto::Error)
            for (auto version : {execproto::Version::V5, execproto::Version::V4, execproto::Version::Unknown})
                (void)execproto::parseStatus(frame->payload, version);
    }
    // The whole input as one status, whatever its channel byte says.
    const QByteArray whole = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)execproto::parseStatus(whole, execproto::Version::V5);
    (void)execproto::parseStatus(whole, execproto::Version::V4);
    return 0;
}
