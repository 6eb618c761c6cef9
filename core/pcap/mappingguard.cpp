#include "core/pcap/mappingguard.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>

namespace lbs::pcap {

namespace {

/// Mappings registered at once: one per file of the sets being read (a long tcpdump ring has
/// hundreds). Beyond that files are read without a mapping.
constexpr int kSlots = 2048;

struct Slot {
    std::atomic<uintptr_t> begin {0}; ///< 0: free or being set up
    std::atomic<uintptr_t> end {0};
    std::atomic<bool> faulted {false};
    std::atomic<bool> used {false};
};

Slot g_slots[kSlots];
struct sigaction g_previous { };
uintptr_t g_pageMask = ~uintptr_t(4095);
bool g_installed = false;
std::once_flag g_once;

void onSigbus(int sig, siginfo_t *info, void *context)
{
    const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
    for (Slot &s : g_slots) {
        const uintptr_t begin = s.begin.load(std::memory_order_acquire);
        if (begin == 0 || addr < begin)
            continue;
        const uintptr_t end = s.end.load(std::memory_order_acquire);
        if (addr >= end)
            continue;
        // Every page from the faulting one on is past the file's end: zeros from here.
        const uintptr_t page = addr & g_pageMask;
        void *zeros = ::mmap(reinterpret_cast<void *>(page), end - page, PROT_READ,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (zeros != MAP_FAILED) {
            s.faulted.store(true, std::memory_order_release);
            return;
        }
        break;
    }
    // Not a guarded mapping: what would have happened without the guard.
    if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction) {
        g_previous.sa_sigaction(sig, info, context);
        return;
    }
    if (!(g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_handler != SIG_DFL
        && g_previous.sa_handler != SIG_IGN) {
        g_previous.sa_handler(sig);
        return;
    }
    // The access is repeated on return and ends the process with the default action.
    ::sigaction(SIGBUS, &g_previous, nullptr);
}

bool install()
{
    std::call_once(g_once, [] {
        const long page = ::sysconf(_SC_PAGESIZE);
        if (page > 0)
            g_pageMask = ~(static_cast<uintptr_t>(page) - 1);
        struct sigaction sa { };
        sa.sa_sigaction = onSigbus;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        g_installed = ::sigaction(SIGBUS, &sa, &g_previous) == 0;
    });
    return g_installed;
}

} // namespace

bool MappingGuard::add(const void *base, size_t size)
{
    remove();
    if (!base || size == 0 || !install())
        return false;
    for (int i = 0; i < kSlots; ++i) {
        bool expected = false;
        if (!g_slots[i].used.compare_exchange_strong(expected, true, std::memory_order_acq_rel))
            continue;
        Slot &s = g_slots[i];
        s.faulted.store(false, std::memory_order_relaxed);
        s.end.store(reinterpret_cast<uintptr_t>(base) + size, std::memory_order_release);
        s.begin.store(reinterpret_cast<uintptr_t>(base), std::memory_order_release);
        m_slot = i;
        return true;
    }
    return false;
}

void MappingGuard::remove()
{
    if (m_slot < 0)
        return;
    Slot &s = g_slots[m_slot];
    s.begin.store(0, std::memory_order_release);
    s.end.store(0, std::memory_order_release);
    s.used.store(false, std::memory_order_release);
    m_slot = -1;
}

bool MappingGuard::faulted() const
{
    if (m_slot < 0)
        return false;
    // The handler runs in the thread whose read faulted: keep that thread's earlier reads of the
    // mapping before this load.
    std::atomic_signal_fence(std::memory_order_seq_cst);
    return g_slots[m_slot].faulted.load(std::memory_order_acquire);
}

} // namespace lbs::pcap
