#include "core/kube/kubeconfigloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

#include <yaml-cpp/yaml.h>

namespace lbs::kube {
namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

Error fileError(const QString &origin, const QString &message, const QString &hint = {})
{
    return Error {message.toStdString(), origin.toStdString(), hint.toStdString()};
}

// Throws YAML::Exception on a type mismatch; the caller turns that into an Error naming the file.
QString str(const YAML::Node &node, const char *key)
{
    const YAML::Node v = node[key];
    if (!v || v.IsNull())
        return {};
    return qs(v.as<std::string>());
}

bool boolean(const YAML::Node &node, const char *key)
{
    const YAML::Node v = node[key];
    if (!v || v.IsNull())
        return false;
    return v.as<bool>();
}

QStringList strList(const YAML::Node &node, const char *key)
{
    QStringList out;
    const YAML::Node v = node[key];
    if (!v || v.IsNull())
        return out;
    for (const auto &item : v)
        out << qs(item.as<std::string>());
    return out;
}

QJsonValue toJson(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject o;
        for (const auto &kv : node)
            o.insert(qs(kv.first.as<std::string>()), toJson(kv.second));
        return o;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray a;
        for (const auto &item : node)
            a.append(toJson(item));
        return a;
    }
    case YAML::NodeType::Scalar:
        return qs(node.Scalar());
    default:
        return QJsonValue();
    }
}

// Relative paths resolve against the directory of the file that defined the stanza (§1.4).
QString resolvePath(const QString &path, const QString &origin)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path))
        return path;
    return QDir::cleanPath(QFileInfo(origin).absoluteDir().absoluteFilePath(path));
}

Result<QByteArray> base64Field(
    const YAML::Node &node, const char *key, const QString &what, const QString &origin)
{
    const QString text = str(node, key);
    if (text.isEmpty())
        return QByteArray();
    auto decoded
        = QByteArray::fromBase64Encoding(text.toLatin1().trimmed(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return fileError(origin,
            QStringLiteral("%1 field %2 is not valid base64").arg(what, QString::fromLatin1(key)),
            QStringLiteral("the *-data fields hold the base64 of the PEM text; re-create the kubeconfig"));
    return *decoded;
}

Result<ClusterInfo> parseCluster(const QString &name, const YAML::Node &c, const QString &origin)
{
    ClusterInfo info;
    info.name = name;
    info.origin = origin;
    if (!c || c.IsNull())
        return info;
    const QString what = QStringLiteral("cluster '%1'").arg(name);
    info.server = str(c, "server");
    info.tlsServerName = str(c, "tls-server-name");
    info.insecureSkipTlsVerify = boolean(c, "insecure-skip-tls-verify");
    info.certificateAuthority = resolvePath(str(c, "certificate-authority"), origin);
    auto ca = base64Field(c, "certificate-authority-data", what, origin);
    if (!ca)
        return ca.error();
    info.certificateAuthorityData = *ca;
    info.proxyUrl = str(c, "proxy-url");
    info.disableCompression = boolean(c, "disable-compression");
    if (const YAML::Node ext = c["extensions"]; ext && ext.IsSequence()) {
        for (const auto &e : ext) {
            if (str(e, "name") == QLatin1String("client.authentication.k8s.io/exec"))
                info.execExtension = toJson(e["extension"]);
        }
    }
    return info;
}

Result<ExecConfig> parseExec(const QString &user, const YAML::Node &e, const QString &origin)
{
    ExecConfig x;
    x.apiVersion = str(e, "apiVersion");
    x.command = str(e, "command");
    // A command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
    if (x.command.contains(QLatin1Char('/')))
        x.command = resolvePath(x.command, origin);
    x.args = strList(e, "args");
    if (const YAML::Node env = e["env"]; env && env.IsSequence()) {
        for (const auto &kv : env)
            x.env.append({str(kv, "name"), str(kv, "value")});
    }
    x.interactiveMode = str(e, "interactiveMode");
    x.provideClusterInfo = boolean(e, "provideClusterInfo");
    x.installHint = str(e, "installHint");
    if (x.command.isEmpty())
        return fileError(origin, QStringLiteral("user '%1' has an exec plugin without a command").arg(user),
            QStringLiteral("set users[].user.exec.command"));
    if (x.apiVersion.isEmpty())
        return fileError(origin,
            QStringLiteral("user '%1': exec plugin '%2' has no apiVersion").arg(user, x.command),
            QStringLiteral("set exec.apiVersion to client.authentication.k8s.io/v1"));
    if (x.interactiveMode.isEmpty()) {
        if (x.apiVersion == QLatin1String("client.authentication.k8s.io/v1"))
            return fileError(origin,
                QStringLiteral("user '%1': exec plugin '%2' has no interactiveMode, which "
                               "client.authentication.k8s.io/v1 requires")
                    .arg(user, x.command),
                QStringLiteral("add 'interactiveMode: Never' (or IfAvailable) to the exec stanza"));
        x.interactiveMode = QStringLiteral("IfAvailable");
    }
    return x;
}

Result<UserInfo> parseUser(const QString &name, const YAML::Node &u, const QString &origin)
{
    UserInfo info;
    info.name = name;
    info.origin = origin;
    if (!u || u.IsNull())
        return info;
    const QString what = QStringLiteral("user '%1'").arg(name);
    info.clientCertificate = resolvePath(str(u, "client-certificate"), origin);
    info.clientKey = resolvePath(str(u, "client-key"), origin);
    auto cert = base64Field(u, "client-certificate-data", what, origin);
    if (!cert)
        return cert.error();
    info.clientCertificateData = *cert;
    auto key = base64Field(u, "client-key-data", what, origin);
    if (!key)
        return key.error();
    info.clientKeyData = *key;
    info.token = str(u, "token");
    info.tokenFile = resolvePath(str(u, "tokenFile"), origin);
    info.as = str(u, "as");
    info.asUid = str(u, "as-uid");
    info.asGroups = strList(u, "as-groups");
    if (const YAML::Node extra = u["as-user-extra"]; extra && extra.IsMap()) {
        for (const auto &kv : extra)
            info.asUserExtra.insert(
                qs(kv.first.as<std::string>()), strList(extra, kv.first.as<std::string>().c_str()));
    }
    info.username = str(u, "username");
    info.password = str(u, "password");
    if (const YAML::Node ap = u["auth-provider"]; ap && ap.IsMap()) {
        AuthProviderConfig p;
        p.name = str(ap, "name");
        if (const YAML::Node cfg = ap["config"]; cfg && cfg.IsMap()) {
            for (const auto &kv : cfg)
                p.config.insert(qs(kv.first.as<std::string>()),
                    kv.second.IsNull() ? QString() : qs(kv.second.as<std::string>()));
        }
        info.authProvider = p;
    }
    if (const YAML::Node ex = u["exec"]; ex && ex.IsMap()) {
        auto e = parseExec(name, ex, origin);
        if (!e)
            return e.error();
        info.exec = *e;
    }
    return info;
}

ContextInfo parseContext(const QString &name, const YAML::Node &c, const QString &origin)
{
    ContextInfo info;
    info.name = name;
    info.origin = origin;
    if (!c || c.IsNull())
        return info;
    info.cluster = str(c, "cluster");
    info.user = str(c, "user");
    info.nameSpace = str(c, "namespace");
    return info;
}

// Walks one named list (clusters/users/contexts). Duplicate names inside one file are an error,
// as in client-go's conversion of the list to a map.
template <typename T, typename Fn>
Status parseList(const YAML::Node &root, const char *listKey, const char *itemKey, const QString &origin,
    QList<T> &out, Fn parseItem)
{
    const YAML::Node list = root[listKey];
    if (!list || list.IsNull())
        return Ok {};
    if (!list.IsSequence())
        return fileError(origin, QStringLiteral("'%1' must be a list").arg(QString::fromLatin1(listKey)));
    QSet<QString> seen;
    for (const auto &item : list) {
        const QString name = str(item, "name");
        if (name.isEmpty())
            return fileError(
                origin, QStringLiteral("an entry of '%1' has no name").arg(QString::fromLatin1(listKey)));
        if (seen.contains(name))
            return fileError(origin,
                QStringLiteral("duplicate name '%1' in '%2'").arg(name, QString::fromLatin1(listKey)),
                QStringLiteral("remove one of the entries"));
        seen.insert(name);
        Result<T> parsed = parseItem(name, item[itemKey], origin);
        if (!parsed)
            return parsed.error();
        out.append(std::move(parsed.value()));
    }
    return Ok {};
}

} // namespace

KubeConfigSource KubeConfigSource::fromEnvironment(const QString &explicitPath)
{
    KubeConfigSource s;
    s.explicitPath = explicitPath;
    if (qEnvironmentVariableIsSet("KUBECONFIG"))
        s.kubeconfigEnv = qEnvironmentVariable("KUBECONFIG");
    s.homeDir = QDir::homePath();
    return s;
}

QStringList KubeConfigLoader::splitList(const QString &value)
{
    QStringList out;
    for (const QString &p : value.split(QLatin1Char(':'))) {
        if (!p.isEmpty() && !out.contains(p))
            out << p;
    }
    return out;
}

Result<KubeConfig> KubeConfigLoader::parse(const QByteArray &yaml, const QString &origin)
{
    KubeConfig cfg;
    cfg.files << origin;
    if (yaml.trimmed().isEmpty())
        return cfg; // an empty file is an empty config
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (root.IsNull())
            return cfg;
        if (!root.IsMap())
            return fileError(origin, QStringLiteral("not a kubeconfig: the top level is not a YAML mapping"));
        cfg.currentContext = str(root, "current-context");
        if (!cfg.currentContext.isEmpty())
            cfg.currentContextOrigin = origin;
        if (auto s = parseList<ClusterInfo>(root, "clusters", "cluster", origin, cfg.clusters, parseCluster);
            !s)
            return s.error();
        if (auto s = parseList<UserInfo>(root, "users", "user", origin, cfg.users, parseUser); !s)
            return s.error();
        auto ctx = [](const QString &n, const YAML::Node &c, const QString &o) -> Result<ContextInfo> {
            return parseContext(n, c, o);
        };
        if (auto s = parseList<ContextInfo>(root, "contexts", "context", origin, cfg.contexts, ctx); !s)
            return s.error();
    } catch (const YAML::ParserException &e) {
        return fileError(origin,
            QStringLiteral("cannot parse kubeconfig: YAML error at line %1, column %2: %3")
                .arg(e.mark.line + 1)
                .arg(e.mark.column + 1)
                .arg(qs(e.msg)),
            QStringLiteral("fix the file or point --kubeconfig/KUBECONFIG elsewhere"));
    } catch (const YAML::Exception &e) {
        return fileError(origin,
            QStringLiteral("cannot read kubeconfig: unexpected value at line %1: %2")
                .arg(e.mark.line + 1)
                .arg(qs(e.msg)),
            QStringLiteral("compare the field with `kubectl config view`"));
    }
    return cfg;
}

Result<KubeConfig> KubeConfigLoader::loadFile(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        return fileError(path, QStringLiteral("kubeconfig file does not exist"),
            QStringLiteral("check the --kubeconfig path"));
    if (!f.open(QIODevice::ReadOnly))
        return fileError(path, QStringLiteral("cannot read kubeconfig: %1").arg(f.errorString()),
            QStringLiteral("check the file permissions"));
    return parse(f.readAll(), QFileInfo(path).absoluteFilePath());
}

KubeConfig KubeConfigLoader::merge(const QList<KubeConfig> &files)
{
    KubeConfig out;
    for (const KubeConfig &f : files) {
        out.files << f.files;
        out.missingFiles << f.missingFiles;
        // Scalars: the first file with a non-empty value wins.
        if (out.currentContext.isEmpty() && !f.currentContext.isEmpty()) {
            out.currentContext = f.currentContext;
            out.currentContextOrigin = f.currentContextOrigin;
        }
        // Map entries: the first file to define a name wins, whole (later stanzas are discarded).
        for (const auto &c : f.clusters) {
            if (!out.cluster(c.name))
                out.clusters << c;
        }
        for (const auto &u : f.users) {
            if (!out.user(u.name))
                out.users << u;
        }
        for (const auto &c : f.contexts) {
            if (!out.context(c.name))
                out.contexts << c;
        }
    }
    return out;
}

Result<KubeConfig> KubeConfigLoader::load(const KubeConfigSource &source)
{
    if (!source.explicitPath.isEmpty())
        return loadFile(source.explicitPath);
    QStringList paths;
    if (source.kubeconfigEnv && !source.kubeconfigEnv->isEmpty())
        paths = splitList(*source.kubeconfigEnv);
    else
        paths << QDir(source.homeDir).filePath(QStringLiteral(".kube/config"));
    QList<KubeConfig> parsed;
    QStringList missing;
    for (const QString &p : paths) {
        if (!QFileInfo::exists(p)) {
            missing << p;
            continue;
        }
        auto one = loadFile(p);
        if (!one)
            return one.error();
        parsed << one.value();
    }
    KubeConfig merged = merge(parsed);
    merged.missingFiles = missing;
    return merged;
}

} // namespace lbs::kube
