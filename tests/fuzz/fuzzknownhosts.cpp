// Fuzz target "knownhosts": known_hosts lines as libssh reads them when it checks a host key
// (lbscope hands libssh the user's known_hosts file; a hostile or damaged line must not crash the
// host key check). Each line is read for a plain host name and for a [host]:port name.

#include <libssh/libssh.h>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    size_t from = 0;
    while (from <= text.size()) {
        size_t end = text.find('\n', from);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(from, end - from);
        if (line.find('\0') == std::string::npos) {
            for (const char *host : {"lab-node-1", "[198.51.100.11]:2222"}) {
                ssh_knownhosts_entry *entry = nullptr;
                if (ssh_known_hosts_parse_line(host, line.c_str(), &entry) == SSH_OK)
                    ssh_knownhosts_entry_free(entry);
            }
        }
        from = end + 1;
    }
    return 0;
}
