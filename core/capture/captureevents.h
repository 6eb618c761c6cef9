#pragma once
// The machine-readable events of a capture (`lbscope-cli capture --events jsonl`): one JSON object a
// line, its kind in "event". The schema lives here, beside the workflow that reports them, so that
// any front end or tool writes the same lines.

#include "core/capture/captureobserver.h"
#include "core/capture/capturesession.h"
#include "core/capture/capturestate.h"
#include "core/common/progress.h"

#include <string>

namespace lbs::capture::events {

/// {"event":"state","state":NAME,"detail":TEXT,"t":SECONDS_SINCE_EPOCH}
std::string state(CaptureState state, const std::string &detail, double unixSeconds);
/// {"event":"sample","elapsed_s","bytes","bytes_per_s","files","alive","captured","dropped_kernel"}
/// (the counters null until tcpdump reported them)
std::string sample(const MonitorSample &sample);
/// {"event":"file","name","path","size","final"}: a ring file seen on the node.
std::string ringFile(const RemoteFile &file, bool complete);
/// {"event":"download","name","done","total"}
std::string download(const std::string &fileName, const ProgressEvent &progress);
/// {"event":"verified","name","size","sha256","already_complete"}
std::string verified(const VerifiedFile &file);
/// {"event":"warning","text"} and {"event":"error","text"}
std::string warning(const std::string &text);
std::string error(const std::string &text);
/// {"event":"done","out":DIR,"ok":BOOL}: the last line.
std::string done(const std::string &outDir, bool ok);

} // namespace lbs::capture::events
