#pragma once
// What lbscope-cli capture shows of a capture workflow: prose, progress and samples on stderr, and with
// --events jsonl one JSON object per line on stdout (written by core/capture/captureevents).
#ifdef HAVE_LBSCOPE_CAPTURE

#include "clioptions.h"

#include "core/capture/captureobserver.h"

namespace lbs::cli {

class CapturePrinter final : public capture::CaptureObserver {
public:
    explicit CapturePrinter(bool jsonLines);
    /// The last line of --events jsonl: {"event":"done","out":DIR,"ok":...}.
    void done(const std::string &outDir, bool ok);

    void stateChanged(capture::CaptureState state, const std::string &detail) override;
    void sample(const capture::MonitorSample &sample) override;
    void ringFile(const capture::RemoteFile &file, bool complete) override;
    void downloadProgress(const std::string &fileName, const ProgressEvent &event) override;
    void fileVerified(const capture::VerifiedFile &file) override;
    void warning(const std::string &text) override;
    void info(const std::string &text) override;
    void error(const std::string &text) override;

private:
    void writeEvent(const std::string &line);
    void endLines();
    bool m_json;
    bool m_tty;
    bool m_capturing = false;
    TerminalProgress m_progress;
};

} // namespace lbs::cli

#endif
