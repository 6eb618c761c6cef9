// JSON reading benchmark: lbscope's reader (core/common parseJson, behind every manifest.json and the
// report tests) against Qt's QJsonDocument, measured in the same run on the same bytes: a capture
// manifest of a 100-file ring (what `analyze DIR` and `verify` read) and an analysis report
// (lbscope-cli analyze --json output, given as a file). Best of N rounds each, in MB/s.
//   lbscope-bench-json REPORT.json [--rounds N]
#include "core/common/json.h"
#include "core/pcap/capturerecord.h"

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

namespace {

double bestSeconds(int rounds, int repeat, const std::function<bool()> &once)
{
    double best = 1e9;
    for (int r = 0; r < rounds; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < repeat; ++i)
            if (!once()) {
                std::fprintf(stderr, "lbscope-bench-json: a parse failed\n");
                std::exit(1);
            }
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

void compare(const char *what, const std::string &text, int rounds, int repeat)
{
    const QByteArray bytes(text.data(), qsizetype(text.size()));
    const double ours = bestSeconds(rounds, repeat, [&] { return lbs::parseJson(text).ok(); });
    const double qt = bestSeconds(rounds, repeat, [&] { return !QJsonDocument::fromJson(bytes).isNull(); });
    const double mb = double(text.size()) * repeat / 1e6;
    std::printf("%-34s %8.1f KB x %-5d lbscope %8.1f MB/s   QJsonDocument %8.1f MB/s   ratio %.2f\n", what,
        double(text.size()) / 1e3, repeat, mb / ours, mb / qt, qt / ours);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: lbscope-bench-json REPORT.json [--rounds N]\n");
        return 2;
    }
    int rounds = 5;
    for (int i = 2; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--rounds") == 0)
            rounds = std::max(1, std::atoi(argv[i + 1]));
    lbs::pcap::CaptureRecord record;
    record.transport = "kube";
    record.node = "lab-node-1";
    record.iface = "any";
    for (int i = 0; i < 100; ++i) {
        lbs::pcap::ManifestFile f;
        f.name = "lbscope-lab-node-1-20261206T120000Z.pcap" + std::to_string(i);
        f.remotePath = "/var/tmp/lbscope/" + f.name;
        f.size = 100000000 + uint64_t(i);
        f.sha256 = std::string(64, 'a');
        f.firstTs = 1.7e9 + i;
        f.lastTs = 1.7e9 + i + 0.5;
        f.packets = 123456;
        record.files.push_back(f);
    }
    for (int i = 0; i < 50; ++i)
        record.endpoints.push_back({"web-" + std::to_string(i), "default",
            "lab-node-" + std::to_string(i % 3), "192.0.2." + std::to_string(i + 2), 8080});
    const std::string manifest = lbs::pcap::captureRecordJson(record);
    compare("manifest.json (100 files)", manifest, rounds, 2000);

    QFile f(QString::fromLocal8Bit(argv[1]));
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "lbscope-bench-json: cannot read %s\n", argv[1]);
        return 1;
    }
    const QByteArray report = f.readAll();
    compare("analysis report (analyze --json)", report.toStdString(), rounds, 1);
    return 0;
}
