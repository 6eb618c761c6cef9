#pragma once
// An in-memory file holding the fuzz input, opened by path like a file on disk (no Qt).

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace lbs::fuzz {

class MemFile {
public:
    MemFile(const uint8_t *data, size_t size)
    {
        m_fd = memfd_create("lbscope-fuzz", MFD_CLOEXEC);
        size_t done = 0;
        while (m_fd >= 0 && done < size) {
            const ssize_t n = write(m_fd, data + done, size - done);
            if (n <= 0)
                break;
            done += static_cast<size_t>(n);
        }
        m_ok = m_fd >= 0 && done == size;
    }
    ~MemFile()
    {
        if (m_fd >= 0)
            close(m_fd);
    }
    MemFile(const MemFile &) = delete;
    MemFile &operator=(const MemFile &) = delete;
    bool ok() const { return m_ok; }
    std::string path() const { return "/proc/self/fd/" + std::to_string(m_fd); }

private:
    int m_fd = -1;
    bool m_ok = false;
};

} // namespace lbs::fuzz
