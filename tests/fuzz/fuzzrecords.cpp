// Fuzz target "records": the files a capture directory holds about itself, manifest.json and the
// session record (.lbscope-session.json), read as lbscope reads them when it opens, analyses or
// re-attaches a capture (one reader, core/pcap). A record that reads is written back and read again:
// what lbscope writes it must read back the same, and write again to the same bytes.

#include "core/pcap/capturerecord.h"
#include "memfile.h"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

std::string scratchDir()
{
    static const std::string dir = [] {
        char tmpl[] = "/tmp/lbscope-fuzz-records-XXXXXX";
        const char *made = mkdtemp(tmpl);
        return std::string(made ? made : "/tmp");
    }();
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const lbs::fuzz::MemFile file(data, size);
    if (!file.ok())
        return 0;
    auto record = lbs::pcap::readCaptureRecord(file.path());
    if (!record.ok())
        return 0;
    const std::string again = scratchDir() + "/record.json";
    if (!lbs::pcap::writeCaptureRecord(again, record.value()).ok())
        return 0;
    auto reread = lbs::pcap::readCaptureRecord(again);
    if (!reread.ok() || reread->files.size() != record->files.size() || reread->node != record->node
        || reread->remoteCommand != record->remoteCommand || reread->pid != record->pid
        || lbs::pcap::captureRecordJson(*reread) != lbs::pcap::captureRecordJson(*record))
        __builtin_trap(); // lbscope could not read back what it wrote
    return 0;
}
