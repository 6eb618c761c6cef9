#include "core/ssh/sshsession.h"

#include "core/ssh/sshrelay.h"

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

namespace lbs::ssh {

namespace {

struct AuthCallbacks {
    ssh_callbacks_struct cb {};
    std::function<std::string(const std::string &)> passphrase;
};

int authCallback(const char *prompt, char *buf, size_t len, int /*echo*/, int /*verify*/, void *userdata)
{
    auto *self = static_cast<AuthCallbacks *>(userdata);
    if (!self || !self->passphrase || len == 0)
        return -1;
    const std::string p = self->passphrase(prompt ? prompt : "Passphrase: ");
    if (p.size() + 1 > len)
        return -1;
    std::memcpy(buf, p.c_str(), p.size() + 1);
    return 0;
}

std::string getOption(ssh_session s, ssh_options_e which)
{
    char *v = nullptr;
    if (ssh_options_get(s, which, &v) != SSH_OK || !v)
        return {};
    std::string r = v;
    ssh_string_free_char(v);
    return r;
}

/// libssh 0.10 turns a ProxyJump line into "ssh [-l U] [-p P] [-J more] -W '[%h]:%p' HOST"
/// (config.c). A single hop is done in process instead; a chain stays with the external ssh.
std::optional<SshEndpoint> jumpFromProxyCommand(const std::string &cmd)
{
    std::istringstream in(cmd);
    std::vector<std::string> t;
    for (std::string w; in >> w;)
        t.push_back(w);
    if (t.size() < 4 || t.front() != "ssh" || t[t.size() - 3] != "-W")
        return std::nullopt;
    SshEndpoint ep;
    for (std::size_t i = 1; i + 3 < t.size(); i += 2) {
        if (t[i] == "-l")
            ep.user = t[i + 1];
        else if (t[i] == "-p")
            ep.port = std::atoi(t[i + 1].c_str());
        else
            return std::nullopt; // -J: multi-hop
    }
    auto parsed = SshEndpoint::parse(t.back());
    if (!parsed)
        return std::nullopt;
    ep.host = parsed->host;
    return ep;
}

Status checkHostKey(ssh_session s, const SshConnectOptions &o, const std::string &who, const std::string &fp)
{
    const std::string file = o.knownHostsFile.empty() ? std::string("~/.ssh/known_hosts") : o.knownHostsFile;
    switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
        return Ok {};
    case SSH_KNOWN_HOSTS_CHANGED:
        return Error {"HOST KEY CHANGED for " + who + ": the server now presents " + fp
                + ", which does not match " + file + ". Someone may be intercepting the connection.",
            who,
            "if the host was really reinstalled, remove its old line from " + file
                + " (ssh-keygen -R HOST -f FILE) and connect again"};
    case SSH_KNOWN_HOSTS_OTHER:
        return Error {"HOST KEY CHANGED for " + who + ": " + file
                + " holds a key of another type for this host; "
                  "the server presents "
                + fp,
            who, "if the host was really reinstalled, remove its old line from " + file};
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
        if (o.acceptNewHostKey || (o.confirmNewHostKey && o.confirmNewHostKey(who, fp, file))) {
            if (ssh_session_update_known_hosts(s) != SSH_OK)
                return Error {
                    "could not record the host key of " + who + " in " + file + ": " + ssh_get_error(s), who,
                    "check that the file is writable"};
            return Ok {};
        }
        return Error {"unknown host key for " + who + ": " + fp + " is not in " + file, who,
            "verify the fingerprint with the host's owner, then run on a terminal to be asked, pass "
            "--accept-new-host-key, or add it with ssh-keyscan"};
    case SSH_KNOWN_HOSTS_ERROR:
    default:
        return Error {"could not check the host key of " + who + ": " + ssh_get_error(s), who,
            "check that " + file + " is readable"};
    }
}

Status authenticate(ssh_session s, const SshConnectOptions &o, AuthCallbacks *cbs, const std::string &who)
{
    int rc = ssh_userauth_none(s, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return Ok {};
    if (rc == SSH_AUTH_ERROR)
        return Error {
            "authentication failed for " + who + ": " + ssh_get_error(s), who, {}, ErrorKind::Unauthorized};
    if (!o.identityFile.empty()) {
        ssh_key key = nullptr;
        if (ssh_pki_import_privkey_file(o.identityFile.c_str(), nullptr, authCallback, cbs, &key) != SSH_OK)
            return Error {"cannot read the private key " + o.identityFile, who,
                "check the path and permissions, and the passphrase (set LBSCOPE_SSH_PASSPHRASE or run "
                "on a terminal)",
                ErrorKind::Io};
        rc = ssh_userauth_publickey(s, nullptr, key);
        ssh_key_free(key);
        if (rc == SSH_AUTH_SUCCESS)
            return Ok {};
        return Error {
            "permission denied for " + who + ": the server did not accept the key " + o.identityFile, who,
            "add its .pub to ~/.ssh/authorized_keys of that user on the host", ErrorKind::Unauthorized};
    }
    rc = ssh_userauth_publickey_auto(s, nullptr, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return Ok {};
    return Error {"permission denied for " + who
            + ": the server accepted none of the keys tried (ssh-agent, ~/.ssh/id_*, IdentityFile)",
        who, "pass --identity FILE or add the key to ssh-agent", ErrorKind::Unauthorized};
}

} // namespace

std::string serverFingerprint(ssh_session s)
{
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(s, &key) != SSH_OK)
        return {};
    unsigned char *hash = nullptr;
    size_t hlen = 0;
    std::string fp;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == SSH_OK) {
        char *txt = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
        if (txt) {
            fp = txt;
            ssh_string_free_char(txt);
        }
        ssh_clean_pubkey_hash(&hash);
    }
    ssh_key_free(key);
    return fp;
}

SshSession::~SshSession()
{
    if (m_session) {
        ssh_disconnect(m_session);
        ssh_free(m_session);
    }
    m_relay.reset(); // the relay thread ends when the target closes its end
    m_jumpSession.reset(); // then the jump session goes
}

Result<std::unique_ptr<SshSession>> SshSession::connect(const SshConnectOptions &o, const CancelToken &cancel)
{
    if (cancel.isCancelled())
        return Error {"cancelled before connecting", o.target.toString(), {}, ErrorKind::Cancelled};
    std::unique_ptr<SshSession> self(new SshSession);
    auto cbs = std::make_shared<AuthCallbacks>();
    cbs->passphrase = o.passphrase;
    cbs->cb.userdata = cbs.get();
    cbs->cb.auth_function = authCallback;
    ssh_callbacks_init(&cbs->cb);
    self->m_callbacks = cbs;

    ssh_session s = ssh_new();
    if (!s)
        return Error {"libssh could not allocate a session", o.target.toString(), {}};
    self->m_session = s;
    const std::string who0 = o.target.toString();
    ssh_options_set(s, SSH_OPTIONS_HOST, o.target.host.c_str());
    if (!o.sshDir.empty())
        ssh_options_set(s, SSH_OPTIONS_SSH_DIR, o.sshDir.c_str());
    if (o.configFile == "none") {
        // ssh_connect() reads ~/.ssh/config and /etc/ssh/ssh_config itself unless told not to.
        const bool processConfig = false;
        ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &processConfig);
    } else if (ssh_options_parse_config(s, o.configFile.empty() ? nullptr : o.configFile.c_str()) != SSH_OK) {
        return Error {"could not read the ssh config "
                + (o.configFile.empty() ? (o.sshDir.empty() ? "~/.ssh" : o.sshDir) + "/config"
                                        : o.configFile),
            who0, ssh_get_error(s)};
    }
    if (!o.target.user.empty())
        ssh_options_set(s, SSH_OPTIONS_USER, o.target.user.c_str());
    if (o.target.port > 0)
        ssh_options_set(s, SSH_OPTIONS_PORT, &o.target.port);
    if (!o.knownHostsFile.empty())
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, o.knownHostsFile.c_str());
    // LBSCOPE_SSH_CIPHERS: cipher preference list, for transfer benchmarks and odd servers.
    if (const char *ciphers = std::getenv("LBSCOPE_SSH_CIPHERS"); ciphers && *ciphers) {
        ssh_options_set(s, SSH_OPTIONS_CIPHERS_C_S, ciphers);
        ssh_options_set(s, SSH_OPTIONS_CIPHERS_S_C, ciphers);
    }
    long timeout = o.connectTimeoutSec;
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_set_callbacks(s, &cbs->cb);

    std::optional<SshEndpoint> jump = o.jump;
    if (!jump)
        jump = jumpFromProxyCommand(getOption(s, SSH_OPTIONS_PROXYCOMMAND));
    self->m_user = getOption(s, SSH_OPTIONS_USER);
    const std::string host = getOption(s, SSH_OPTIONS_HOST);
    unsigned int port = 22;
    ssh_options_get_port(s, &port);
    std::string who = self->m_user + "@" + host + ":" + std::to_string(port);

    if (jump) {
        SshConnectOptions jo = o;
        jo.target = *jump;
        jo.jump.reset();
        jo.identityFile = o.identityFile;
        auto js = connect(jo, cancel);
        if (!js)
            return Error {"could not reach jump host " + jump->toString() + ": " + js.error().message, who,
                js.error().hint, js.error().kind};
        self->m_jumpSession = std::move(js.value());
        int fd = -1;
        auto relay = SshRelay::open(*self->m_jumpSession, host, static_cast<int>(port), &fd);
        if (!relay)
            return relay.error();
        self->m_relay = std::move(relay.value());
        const char *none = "none";
        ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, none);
        ssh_options_set(s, SSH_OPTIONS_FD, &fd);
        who += " via " + self->m_jumpSession->describe();
    }
    self->m_describe = who;
    if (cancel.isCancelled())
        return Error {"cancelled while connecting", who, {}, ErrorKind::Cancelled};
    if (ssh_connect(s) != SSH_OK)
        return Error {"cannot connect to " + who + ": " + ssh_get_error(s), who,
            "check the host, the port and that sshd runs there", ErrorKind::Unavailable};
    self->m_fingerprint = serverFingerprint(s);
    if (const char *c = ssh_get_cipher_in(s))
        self->m_cipher = c;
    auto hk = checkHostKey(s, o, who, self->m_fingerprint);
    if (!hk)
        return hk.error();
    if (cancel.isCancelled())
        return Error {"cancelled while connecting", who, {}, ErrorKind::Cancelled};
    auto auth = authenticate(s, o, cbs.get(), who);
    if (!auth)
        return auth.error();
    return self;
}

} // namespace lbs::ssh
