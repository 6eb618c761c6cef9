// CaptureSession's preflight: what must hold on the node before tcpdump starts (root, tcpdump, the
// interface, the remote directory, free disk, the filter), and which conntrack method the plan can use.
#include "core/capture/capturesession.h"

#include "core/capture/conntrackrecorder.h"
#include "core/capture/tcpdumpstats.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <sstream>

namespace lbs::capture {

Result<PreflightReport> CaptureSession::preflight(const CancelToken &cancel)
{
    if (auto v = validate(m_plan); !v)
        return v.error();
    PreflightReport rep;
    const std::string where = m_host.describe();
    auto id = m_host.run({"id", "-u"}, cancel);
    if (!id)
        return id.error();
    rep.user = id->out.substr(0, id->out.find_first_of("\r\n"));
    if (rep.user != "0")
        return Error {
            "commands on " + m_host.nodeName() + " run as uid " + rep.user + ", not root; tcpdump needs root",
            where, "log in as root, or as a user with passwordless sudo"};

    auto ver = m_host.run({m_plan.tcpdump, "--version"}, cancel);
    if (!ver)
        return ver.error();
    if (ver->exitCode == 127 || ver->err.find("not found") != std::string::npos
        || ver->err.find("No such file") != std::string::npos)
        return Error {"tcpdump (" + m_plan.tcpdump + ") not found on node " + m_host.nodeName(), where,
            m_host.missingToolHint("tcpdump")};
    rep.tcpdumpVersion = parseTcpdumpVersion(ver->out + "\n" + ver->err);
    if (rep.tcpdumpVersion.empty())
        return Error {
            "'" + m_plan.tcpdump + " --version' did not print a tcpdump version: " + ver->errorSummary(),
            where, "check that tcpdump on the node is a real tcpdump"};
    m_record.tcpdumpVersion = rep.tcpdumpVersion;

    auto links = m_host.run({"ip", "-j", "link", "show"}, cancel);
    if (!links)
        return links.error();
    if (!links->ok())
        return Error {"'ip -j link show' failed: " + links->errorSummary(), where, "the node needs iproute2"};
    const QJsonArray arr = QJsonDocument::fromJson(QByteArray::fromStdString(links->out)).array();
    for (const auto &v : arr)
        rep.interfaces.push_back(v.toObject()[QStringLiteral("ifname")].toString().toStdString());
    if (m_plan.iface != "any"
        && std::find(rep.interfaces.begin(), rep.interfaces.end(), m_plan.iface) == rep.interfaces.end()) {
        std::string list;
        for (const auto &i : rep.interfaces)
            list += (list.empty() ? "" : ", ") + i;
        return Error {"interface " + m_plan.iface + " does not exist on node " + m_host.nodeName(), where,
            "interfaces there: " + list};
    }

    // mkdir -p, printing the topmost directory it had to create (empty when the directory existed),
    // so that a refusal below removes again what preflight made.
    static const std::string mkdirScript
        = "d=$1; top=; i=0; while [ ! -e \"$d\" ] && [ $i -lt 64 ]; do top=$d; d=$(dirname -- \"$d\"); "
          "i=$((i+1)); done; mkdir -p -- \"$1\" && printf '%s' \"$top\"";
    auto mk = m_host.run({"sh", "-c", mkdirScript, "sh", m_plan.remoteDir}, cancel);
    if (!mk)
        return mk.error();
    if (!mk->ok())
        return Error {"cannot create " + m_plan.remoteDir + ": " + mk->errorSummary(), where,
            "choose another remote directory"};
    const std::string createdTop = mk->out;
    // Removes the directories preflight created (each only while empty), then returns the refusal.
    const auto refuse = [&](Error e) -> Result<PreflightReport> {
        if (createdTop.empty())
            return e;
        static const std::string rmdirScript
            = "d=$1; i=0; while [ $i -lt 64 ]; do rmdir -- \"$d\" 2>/dev/null || exit 0; "
              "[ \"$d\" = \"$2\" ] && exit 0; d=$(dirname -- \"$d\"); case $d in /|.) exit 0;; esac; "
              "i=$((i+1)); done";
        CancelToken own; // also after a cancel
        auto rm = m_host.run({"sh", "-c", rmdirScript, "sh", m_plan.remoteDir, createdTop}, own);
        if (!rm || !rm->ok())
            e.hint += (e.hint.empty() ? "" : "; ") + std::string("remove the directory ") + createdTop
                + " that preflight created on the node";
        return e;
    };
    auto df = m_host.run({"df", "-P", "-B1", "--", m_plan.remoteDir}, cancel);
    if (!df)
        return refuse(df.error());
    {
        std::istringstream in(df->out);
        std::string header, fsName;
        uint64_t total = 0, used = 0, avail = 0;
        std::getline(in, header);
        if (!df->ok() || !(in >> fsName >> total >> used >> avail))
            return refuse(Error {
                "cannot read free space of " + m_plan.remoteDir + ": " + df->errorSummary(), where, {}});
        rep.freeBytes = avail;
    }
    const uint64_t need = m_plan.ringBytes() + static_cast<uint64_t>(m_plan.ringCount) * 262144u;
    if (rep.freeBytes < need)
        return refuse(Error {"not enough free disk in " + m_plan.remoteDir + " on " + m_host.nodeName()
                + ": the ring needs " + std::to_string(need / 1000000) + " MB, "
                + std::to_string(rep.freeBytes / 1000000) + " MB are free",
            where, "use a smaller --ring (SIZE_MBxCOUNT) or free space on the node"});

    if (!m_plan.filter.empty()) {
        auto compiled = m_host.run({m_plan.tcpdump, "-i", m_plan.iface, "-d", "--", m_plan.filter}, cancel);
        if (!compiled)
            return refuse(compiled.error());
        if (!compiled->ok())
            return refuse(Error {"the BPF filter '" + m_plan.filter + "' is not accepted by tcpdump on node "
                    + m_host.nodeName() + ": " + compiled->errorSummary(),
                where, "check the filter syntax (pcap-filter(7))"});
    }
    if (m_plan.conntrack) {
        pcap::ConntrackRecord ct;
        if (auto probed = probeConntrack(m_host, m_plan, ct, cancel); !probed)
            return refuse(probed.error());
        rep.conntrackMethod = ct.method;
        rep.conntrackNote = ct.note;
        m_record.conntrack = std::move(ct);
    }
    return rep;
}

} // namespace lbs::capture
