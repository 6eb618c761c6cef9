#pragma once
// core/capture: capture sessions over a node (plan -> preflight -> start -> monitor -> stop -> download
// -> cleanup). RemoteHost is the only way core/capture talks to a node; it has one implementation over
// SSH (SshRemoteHost, core/ssh) and one over exec in a Kubernetes debug pod (KubeRemoteHost, core/kube).
// Must never depend on Qt Widgets/Gui or on ui/.

#include "core/common/canceltoken.h"
#include "core/common/error.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lbs::capture {

/// What a finished remote command produced.
struct CommandResult {
    int exitCode = -1; ///< process exit code; -1 when none was reported (killed by a signal)
    std::string exitSignal; ///< signal name ("KILL") when the transport reports one, else empty
    std::string out; ///< stdout (empty for stream(): it went to the callback)
    std::string err; ///< stderr, bounded by RunOptions::maxErr
    bool outTruncated = false; ///< stdout exceeded RunOptions::maxOut and was cut
    bool errTruncated = false; ///< stderr exceeded RunOptions::maxErr and was cut
    bool ok() const { return exitCode == 0; }
    /// First line of stderr, trimmed, or "exit code N" when stderr is empty: for messages.
    std::string errorSummary() const;
};

/// Limits for run() and stream().
struct RunOptions {
    std::size_t maxOut = 16u << 20; ///< stdout kept by run(); the rest is dropped and outTruncated set
    std::size_t maxErr = 1u << 20; ///< stderr kept by run() and stream()
    int timeoutMs = 120000; ///< whole command; <= 0 means no limit (only the cancel token)
};

/// Receives stdout bytes of stream(). Return false to stop: the command is then aborted
/// (channel/WebSocket closed) and stream() returns an Error saying the consumer stopped.
using ByteSink = std::function<bool(const char *data, std::size_t size)>;

/// A node lbscope can run commands on. Synchronous: call it from a worker thread (the GUI) or
/// directly (the CLI). Implementations may spin a local event loop internally.
///
/// Every call takes a CancelToken; cancelling reaches into the transport (the SSH channel or the
/// exec WebSocket is closed) and the call returns an Error promptly (within ~200 ms).
/// Commands are argv lists, never shell strings; when a transport needs a string (SSH exec), it
/// builds it with shellQuote() only. Implementations that are not root on the node add `sudo -n`
/// themselves (see needsSudo()).
class RemoteHost {
public:
    virtual ~RemoteHost() = default;

    /// Runs argv to completion and returns its exit code and (bounded) stdout/stderr.
    /// A non-zero exit code is not an Error: the Error is for transport failures, timeouts, cancel.
    virtual Result<CommandResult> run(
        const std::vector<std::string> &argv, const CancelToken &cancel, const RunOptions &options = {})
        = 0;

    /// Runs argv and hands its stdout to onStdout as it arrives (for downloads). The returned
    /// CommandResult has an empty `out`; `err` holds the bounded stderr.
    virtual Result<CommandResult> stream(const std::vector<std::string> &argv, const ByteSink &onStdout,
        const CancelToken &cancel, const RunOptions &options = {})
        = 0;

    /// One line naming the node and the transport, for messages:
    /// "node lab-node-1 (via pod lbscope/lbscope-capture-x7k2)" or "root@127.0.0.1:2201 (ssh)".
    virtual std::string describe() const = 0;

    /// The node's name as the user knows it (Kubernetes node name or SSH host).
    virtual std::string nodeName() const = 0;

    /// "kube" or "ssh", as written in manifest.json.
    virtual std::string transportName() const = 0;
    /// Where the commands run by this host see the node's file `path`. The same path over SSH; in a
    /// debug pod that runs the image's tools it is under the node's root mounted at /host.
    virtual std::string nodePath(const std::string &path) const { return path; }
    /// What to tell a user whose node lacks `tool` (tcpdump): install it, pick a debug image, etc.
    virtual std::string missingToolHint(const std::string &tool) const
    {
        return "install " + tool + " on the node, or give its path with --" + tool;
    }

    // ---- helpers built on run(); implementations may override with something better ----

    /// Starts argv detached from the connection (new session, stdin from /dev/null, stdout and stderr
    /// appended to stderrFile) so that a dropped connection does not stop it. The pid is written to
    /// pidFile on the node and returned. Uses `sh -c` with the paths and argv as positional
    /// parameters: nothing the caller passes is ever parsed by the shell.
    virtual Result<int64_t> startDetached(const std::vector<std::string> &argv, const std::string &pidFile,
        const std::string &stderrFile, const CancelToken &cancel);

    /// Sends a signal ("INT", "TERM", "KILL", "USR2", or "0" to test) to pid with `kill`.
    /// Returns false (not an Error) when the process does not exist.
    virtual Result<bool> sendSignal(int64_t pid, const std::string &signal, const CancelToken &cancel);

    /// True when pid runs on the node. A zombie counts as gone (reads /proc/PID/stat: orphans of
    /// containers whose init does not reap stay zombies, and `kill -0` succeeds on them).
    virtual Result<bool> isAlive(int64_t pid, const CancelToken &cancel);

    /// What runs as pid on the node now: its command name (the comm field of /proc/PID/stat, at
    /// most 15 characters) and its command line (arguments joined by spaces). `exists` is false for
    /// no process or a zombie. Used before signalling a pid read from a session file: the pid may
    /// have been reused by another process since the capture's tcpdump ended.
    struct ProcessIdentity {
        bool exists = false;
        std::string comm;
        std::string cmdline; ///< empty when unreadable
    };
    virtual Result<ProcessIdentity> processIdentity(int64_t pid, const CancelToken &cancel);

    /// Streams bytes [offset, offset+length) of a remote file to onData with one command
    /// (`dd iflag=skip_bytes,count_bytes`, falling back to `tail -c | head -c` for busybox).
    /// Returns the number of bytes delivered; fewer than length means the file is shorter or the
    /// transfer was cut (the caller checks and resumes).
    virtual Result<uint64_t> readRange(const std::string &path, uint64_t offset, uint64_t length,
        const ByteSink &onData, const CancelToken &cancel);

private:
    bool m_ddUnsupported = false; // set once dd lacks iflag=skip_bytes (busybox)
};

/// Quotes one word for a POSIX shell: wraps it in single quotes, each embedded ' becomes '\''.
/// The only way lbscope builds shell strings. Refuses (returns an Error) a word holding a NUL byte,
/// which no argv element can carry.
Result<std::string> shellQuote(const std::string &word);

/// Joins argv into one shell command line, each element through shellQuote().
Result<std::string> shellJoin(const std::vector<std::string> &argv);

} // namespace lbs::capture
