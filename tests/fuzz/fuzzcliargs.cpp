// Fuzz target "cliargs": lbscope-cli's option parsing (CommandLine over CLI11) with a table shaped
// like the capture command's: required and optional values, checked values, flags, repeated
// options and positionals. The input is split at NUL bytes into arguments. What the parser prints
// (help, usage errors) goes to /dev/null.

#include "app/clikit/commandline.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

/// Sends stdout and stderr to /dev/null while alive.
class Quiet {
public:
    Quiet()
    {
        m_null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        m_out = dup(1);
        m_err = dup(2);
        if (m_null >= 0) {
            dup2(m_null, 1);
            dup2(m_null, 2);
        }
    }
    ~Quiet()
    {
        std::fflush(stdout);
        std::fflush(stderr);
        if (m_out >= 0)
            dup2(m_out, 1), close(m_out);
        if (m_err >= 0)
            dup2(m_err, 2), close(m_err);
        if (m_null >= 0)
            close(m_null);
    }
    Quiet(const Quiet &) = delete;
    Quiet &operator=(const Quiet &) = delete;

private:
    int m_null = -1, m_out = -1, m_err = -1;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::vector<std::string> args(1);
    for (size_t i = 0; i < size && args.size() <= 32; ++i) {
        if (data[i] == 0)
            args.emplace_back();
        else
            args.back() += static_cast<char>(data[i]);
    }

    std::string service, out, filter, ring;
    std::vector<std::string> paths;
    int snaplen = 0;
    bool json = false;
    lbs::clikit::CommandLine cl(
        "capture", "usage: lbscope-cli capture --service NS/NAME --out DIR", "fuzzed table");
    CLI::App &t = cl.table();
    t.add_option("--service", service, "service")->type_name("NS/NAME");
    t.add_option("--out", out, "directory")->type_name("DIR")->required();
    t.add_option("--filter", filter, "BPF")->type_name("BPF");
    t.add_option("--snaplen", snaplen, "bytes")->type_name("N");
    t.add_flag("--json", json, "JSON");
    t.add_option("paths", paths, "remote paths");
    cl.addChecked(
        "--ring",
        [&ring](const std::string &v) -> std::string {
            if (v.empty() || v.find('x') == std::string::npos)
                return "--ring wants SIZE_MBxCOUNT, not '" + v + "'";
            ring = v;
            return {};
        },
        "ring", "SIZE_MBxCOUNT");
    const Quiet quiet;
    (void)cl.parse(args);
    return 0;
}
