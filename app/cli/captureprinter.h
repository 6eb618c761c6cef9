#pragma once
// What lbscope-cli capture and fetch show of their work: prose, progress, samples and each verified file
// on stderr, and with --events jsonl one JSON object per line on stdout (core/capture/captureevents).
#ifdef HAVE_LBSCOPE_CAPTURE

#include "clioptions.h"

#include "core/capture/captureobserver.h"

namespace lbs::cli {

class CapturePrinter final : public capture::CaptureObserver {
public:
    /// `command` names the command in error lines ("lbscope-cli capture: ...").
    explicit CapturePrinter(bool jsonLines, std::string command = "capture");
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
    std::string m_command;
    bool m_json;
    bool m_tty;
    bool m_capturing = false;
    TerminalProgress m_progress;
};

} // namespace lbs::cli

#endif
