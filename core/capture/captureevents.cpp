#include "core/capture/captureevents.h"

#include "core/common/json.h"

#include <optional>

namespace lbs::capture::events {

namespace {

JsonWriter begin(const char *event)
{
    JsonWriter w;
    w.beginObject().key("event").value(event);
    return w;
}

std::string end(JsonWriter &w)
{
    w.endObject();
    return w.take();
}

void count(JsonWriter &w, const char *key, const std::optional<uint64_t> &v)
{
    w.key(key);
    if (v)
        w.value(*v);
    else
        w.null();
}

std::string text(const char *event, const std::string &message)
{
    JsonWriter w = begin(event);
    w.key("text").value(message);
    return end(w);
}

} // namespace

std::string state(CaptureState s, const std::string &detail, double unixSeconds)
{
    JsonWriter w = begin("state");
    w.key("state").value(captureStateName(s)).key("detail").value(detail).key("t").value(unixSeconds, 3);
    return end(w);
}

std::string sample(const MonitorSample &s)
{
    JsonWriter w = begin("sample");
    w.key("elapsed_s").value(s.elapsedSec, 3).key("bytes").value(s.totalBytes);
    w.key("bytes_per_s").value(s.bytesPerSec, 1).key("files").value(static_cast<uint64_t>(s.files.size()));
    w.key("alive").value(s.alive);
    count(w, "captured", s.counters.captured);
    count(w, "dropped_kernel", s.counters.droppedByKernel);
    return end(w);
}

std::string ringFile(const RemoteFile &file, bool complete)
{
    JsonWriter w = begin("file");
    w.key("name").value(file.path.substr(file.path.rfind('/') + 1)).key("path").value(file.path);
    w.key("size").value(file.size).key("final").value(complete);
    return end(w);
}

std::string download(const std::string &fileName, const ProgressEvent &progress)
{
    JsonWriter w = begin("download");
    w.key("name").value(fileName).key("done").value(progress.done).key("total").value(progress.total);
    return end(w);
}

std::string verified(const VerifiedFile &file)
{
    JsonWriter w = begin("verified");
    w.key("name").value(file.name).key("size").value(file.size).key("sha256").value(file.sha256);
    w.key("already_complete").value(file.alreadyComplete);
    return end(w);
}

std::string warning(const std::string &message)
{
    return text("warning", message);
}

std::string error(const std::string &message)
{
    return text("error", message);
}

std::string done(const std::string &outDir, bool ok)
{
    JsonWriter w = begin("done");
    w.key("out").value(outDir).key("ok").value(ok);
    return end(w);
}

} // namespace lbs::capture::events
