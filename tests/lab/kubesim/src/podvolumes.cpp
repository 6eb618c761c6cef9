#include "podvolumes.h"

#include "jsonutil.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace kubesim {

namespace {

struct Mount {
    QString name, mountPath, hostPath, type;
};

QList<Mount> hostPathMounts(const QJsonObject &pod)
{
    const QJsonObject spec = pod.value(u"spec").toObject();
    QHash<QString, QJsonObject> volumes;
    for (const QJsonValue &v : spec.value(u"volumes").toArray())
        volumes.insert(v.toObject().value(u"name").toString(), v.toObject());
    QList<Mount> out;
    const QJsonObject c = spec.value(u"containers").toArray().first().toObject();
    for (const QJsonValue &m : c.value(u"volumeMounts").toArray()) {
        const QString name = m.toObject().value(u"name").toString();
        const QJsonObject hp = volumes.value(name).value(u"hostPath").toObject();
        if (hp.isEmpty())
            continue;
        out.append({name, QDir::cleanPath(m.toObject().value(u"mountPath").toString()),
            QDir::cleanPath(hp.value(u"path").toString()), hp.value(u"type").toString()});
    }
    return out;
}

// The shell that builds the pod root inside the node view (see the header comment). $1 = root, then
// mountPath/hostPath pairs, then "--" and the container argv. The top-level binds go through one
// `mount -a` over a table next to the root (a process per directory made a pod start take ~1 s on a
// loaded machine, far more than a kubelet needs); names a fstab line cannot carry are bound one by one.
const char *const SandboxScript = R"SH(set -eu
root=$1; shift
mount -t tmpfs -o mode=0755,size=1m kubesim-pod "$root"
tab=${root%/*}/binds.fstab
: >"$tab"
for e in /*; do
    n=${e#/}
    if [ -L "$e" ]; then cp -P "$e" "$root/$n"
    elif [ -d "$e" ]; then
        case "$root/$n" in
            *[!A-Za-z0-9._+/-]*) mkdir "$root/$n"; mount --rbind "$e" "$root/$n" ;;
            *) printf '%s %s none rbind,X-mount.mkdir 0 0\n' "$e" "$root/$n" >>"$tab" ;;
        esac
    fi
done
mount -a -T "$tab"
while [ "$1" != "--" ]; do
    mp=$1 hp=$2; shift 2
    if [ ! -e "$root$mp" ]; then
        case "$mp" in
            /*/*) echo "kubesim: mountPath $mp does not exist in the node view" >&2; exit 1 ;;
        esac
        mkdir "$root$mp"
    fi
    mount --rbind "$hp" "$root$mp"
done
shift
cd "$root"
exec chroot "$root" "$@"
)SH";

} // namespace

QString PodVolumes::hostPathOf(const QString &nodePath, const LabNode &node, const QString &labDir)
{
    const QString base = labDir + u"/nodes/"_qs + node.name;
    for (const auto &[top, dir] :
        {std::pair {u"/var/tmp"_qs, u"/var-tmp"_qs}, std::pair {u"/tmp"_qs, u"/tmp"_qs}}) {
        if (nodePath == top || nodePath.startsWith(top + u'/'))
            return base + dir + nodePath.mid(top.size());
    }
    return {};
}

bool PodVolumes::prepare(const QJsonObject &pod, const LabNode &node, const QString &labDir, QString *error)
{
    for (const Mount &m : hostPathMounts(pod)) {
        const QString mapped = hostPathOf(m.hostPath, node, labDir);
        const QString onHost = mapped.isEmpty() ? m.hostPath : mapped;
        if (m.type == u"DirectoryOrCreate" && !QFileInfo(onHost).isDir()) {
            if (mapped.isEmpty()) {
                *error
                    = QStringLiteral("MountVolume.SetUp failed for volume \"%1\" : kubesim creates hostPath "
                                     "directories only under a node's /tmp and /var/tmp (got %2)")
                          .arg(m.name, m.hostPath);
                return false;
            }
            QDir().mkpath(mapped);
        }
        if ((m.type == u"Directory" || m.type == u"DirectoryOrCreate") && !QFileInfo(onHost).isDir()) {
            *error = QStringLiteral(
                "MountVolume.SetUp failed for volume \"%1\" : hostPath type check failed: %2 is "
                "not a directory")
                         .arg(m.name, m.hostPath);
            return false;
        }
    }
    return true;
}

QString PodVolumes::podRoot(const QJsonObject &pod, const LabNode &node, const QString &labDir)
{
    return labDir + u"/nodes/"_qs + node.name + u"/pods/"_qs + Json::metaString(pod, u"uid"_qs) + u"/root"_qs;
}

bool PodVolumes::needsSandbox(const QJsonObject &pod)
{
    for (const Mount &m : hostPathMounts(pod)) {
        if (m.mountPath != m.hostPath)
            return true;
    }
    return false;
}

QStringList PodVolumes::sandboxArgs(const QJsonObject &pod, const LabNode &node, const QString &labDir)
{
    const QString root = podRoot(pod, node, labDir);
    QDir().mkpath(root);
    QStringList args {u"unshare"_qs, u"--mount"_qs, u"--propagation"_qs, u"private"_qs, u"--"_qs,
        u"/bin/sh"_qs, u"-c"_qs, QString::fromLatin1(SandboxScript), u"kubesim-pod"_qs, root};
    for (const Mount &m : hostPathMounts(pod))
        args << m.mountPath << m.hostPath;
    args << u"--"_qs;
    return args;
}

} // namespace kubesim
