#include "core/capture/partwriter.h"

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace lbs::capture {

PartWriter::PartWriter(int fd) : m_fd(fd)
{
    m_fill.reserve(kBuffer);
    m_worker = std::thread([this] { work(); });
}

PartWriter::~PartWriter()
{
    flush();
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_hasWork.notify_one();
    m_worker.join();
}

bool PartWriter::add(const char *data, std::size_t size)
{
    while (size > 0) {
        if (m_failed.load())
            return false;
        const std::size_t n = std::min(size, kBuffer - m_fill.size());
        m_fill.insert(m_fill.end(), data, data + n);
        data += n;
        size -= n;
        if (m_fill.size() == kBuffer)
            submit();
    }
    return !m_failed.load();
}

void PartWriter::submit()
{
    std::unique_lock lock(m_mutex);
    m_hasRoom.wait(lock, [this] { return m_queue.size() < kQueued; });
    m_queue.push_back(std::move(m_fill));
    if (!m_spare.empty()) {
        m_fill = std::move(m_spare.back());
        m_spare.pop_back();
    } else {
        m_fill = {};
        m_fill.reserve(kBuffer);
    }
    m_fill.clear();
    lock.unlock();
    m_hasWork.notify_one();
}

bool PartWriter::flush()
{
    if (!m_fill.empty())
        submit();
    std::unique_lock lock(m_mutex);
    m_hasRoom.wait(lock, [this] { return m_queue.empty() && !m_working; });
    return !m_failed.load();
}

void PartWriter::account(const char *data, std::size_t size)
{
    // The worker is idle here (nothing queued), so the hash and scanner are ours to touch.
    m_hash.update(data, size);
    m_times.feed(data, size);
}

std::string PartWriter::hexDigest()
{
    return m_hash.hexDigest();
}

std::optional<pcap::PcapTimes> PartWriter::times() const
{
    return m_times.result();
}

void PartWriter::work()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_hasWork.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_queue.empty())
            return; // stopping, and everything is written
        std::vector<char> buf = std::move(m_queue.front());
        m_queue.pop_front();
        m_working = true;
        lock.unlock();
        m_hasRoom.notify_one();
        if (!m_failed.load()) {
            m_hash.update(buf.data(), buf.size());
            m_times.feed(buf.data(), buf.size());
            if (!writeAll(buf.data(), buf.size()))
                m_failed.store(true);
        }
        buf.clear();
        lock.lock();
        m_spare.push_back(std::move(buf));
        m_working = false;
        m_hasRoom.notify_all();
    }
}

std::string PartWriter::failure() const
{
    const int e = m_errno.load();
    return e ? std::strerror(e) : std::string("write failed");
}

bool PartWriter::writeAll(const char *d, std::size_t n)
{
    while (n > 0) {
        const ssize_t w = ::write(m_fd, d, n);
        if (w <= 0) {
            m_errno.store(w < 0 ? errno : ENOSPC); // a write of 0 bytes: the disk took nothing more
            return false;
        }
        d += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

} // namespace lbs::capture
