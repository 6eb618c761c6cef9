// The cluster workbench offscreen: the context picker (every file, broken contexts greyed with their
// reason), the services model, the topology picture (deterministic, labels apart, problems red,
// PNG/SVG export) and the SSH dialog's form checks. No cluster needed; see tst_clusterlab for the lab.
#include "ui/cluster/clusterview.h"
#include "ui/cluster/contextlistmodel.h"
#include "ui/cluster/servicetablemodel.h"
#include "ui/cluster/sshnodedialog.h"
#include "ui/cluster/topologycarditem.h"
#include "ui/cluster/topologyportitem.h"
#include "ui/cluster/topologyscene.h"
#include "ui/cluster/topologystyle.h"
#include "ui/cluster/topologyview.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace lbs;
using namespace lbs::ui;
using namespace Qt::StringLiterals;

namespace {

void writeFile(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// One file with a usable context and four broken ones, each broken differently.
QByteArray goodAndBrokenKubeconfig(const QString &dir)
{
    return QStringLiteral(
        "apiVersion: v1\n"
        "kind: Config\n"
        "current-context: good\n"
        "clusters:\n"
        "- name: c1\n"
        "  cluster: {server: \"https://127.0.0.1:6443\", insecure-skip-tls-verify: true}\n"
        "- name: c-bad-ca\n"
        "  cluster: {server: \"https://127.0.0.1:6443\", certificate-authority: \"%1/no-such-ca.crt\"}\n"
        "users:\n"
        "- name: u1\n"
        "  user: {token: abc}\n"
        "- name: u-bad-cert\n"
        "  user: {client-certificate: \"%1/no-such.crt\", client-key: \"%1/no-such.key\"}\n"
        "contexts:\n"
        "- name: good\n"
        "  context: {cluster: c1, user: u1}\n"
        "- name: no-user\n"
        "  context: {cluster: c1, user: ghost}\n"
        "- name: bad-cert\n"
        "  context: {cluster: c1, user: u-bad-cert}\n"
        "- name: bad-ca\n"
        "  context: {cluster: c-bad-ca, user: u1}\n"
        "- name: no-cluster\n"
        "  context: {cluster: nowhere, user: u1}\n")
        .arg(dir)
        .toUtf8();
}

kube::LocateResult labResult()
{
    kube::LocateResult r;
    r.nameSpace = u"default"_s;
    r.service = u"web"_s;
    r.vip = u"203.0.113.10"_s;
    r.ports = {u"80/TCP"_s};
    r.externalTrafficPolicy = u"Cluster"_s;
    r.method = u"ibm-keepalived"_s;
    r.evidence = {u"keepalived pod ibm-cloud-provider-ip-203-0-113-10-abc on lab-node-1 is MASTER"_s,
        u"ip -j addr on lab-node-1: 203.0.113.10/32 on eth1"_s};
    r.holderNode = u"lab-node-1"_s;
    r.interface = u"eth1"_s;
    r.holders = {u"lab-node-1"_s};
    r.standbyNodes = {u"lab-node-2"_s};
    r.candidateNodes = {u"lab-node-1"_s, u"lab-node-2"_s, u"lab-node-3"_s};
    const QStringList nodes {u"lab-node-1"_s, u"lab-node-2"_s, u"lab-node-3"_s};
    const QStringList pods {u"web-7d9c8b-k4x2m"_s, u"web-7d9c8b-p7q9t"_s, u"web-7d9c8b-z5w8r"_s};
    const QStringList ips {u"192.0.2.2"_s, u"192.0.2.66"_s, u"192.0.2.130"_s};
    for (int i = 0; i < 3; ++i) {
        kube::EndpointInfo e;
        e.ip = ips[i];
        e.nodeName = nodes[i];
        e.podName = pods[i];
        e.podNamespace = u"default"_s;
        e.ready = i != 2;
        r.endpoints << e;
    }
    r.interfaces = {{u"eth0"_s, {u"198.51.100.11/24"_s}, u"node address"_s, {}},
        {u"eth1"_s, {u"203.0.113.11/24"_s, u"203.0.113.10/32"_s},
            u"holds the VIP 203.0.113.10 (capture here for client traffic)"_s, {}},
        {u"cali1a2b3c4d5e6"_s, {}, u"pod default/web-7d9c8b-k4x2m"_s, u"default/web-7d9c8b-k4x2m"_s}};
    return r;
}

bool isRed(const QColor &c)
{
    return c == topology::problemColor();
}

} // namespace

Q_DECLARE_METATYPE(kube::LocateResult)

class TestCluster : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings in a test location
        QVERIFY(m_dir.isValid());
    }

    void contexts_data()
    {
        QTest::addColumn<QString>("context");
        QTest::addColumn<bool>("usable");
        QTest::addColumn<QString>("reason");
        QTest::newRow("good") << u"good"_s << true << QString();
        QTest::newRow("missing user")
            << u"no-user"_s << false << u"user 'ghost' that no kubeconfig defines"_s;
        QTest::newRow("missing cluster") << u"no-cluster"_s << false << u"cluster 'nowhere'"_s;
        QTest::newRow("unreadable client cert") << u"bad-cert"_s << false << u"no-such.crt"_s;
        QTest::newRow("unreadable CA") << u"bad-ca"_s << false << u"no-such-ca.crt"_s;
    }

    // Every context of every file, grouped by file; a broken file or context never hides the others.
    void contexts()
    {
        QFETCH(QString, context);
        QFETCH(bool, usable);
        QFETCH(QString, reason);
        const QString good = m_dir.filePath(u"config-a"_s);
        const QString broken = m_dir.filePath(u"config-b"_s);
        writeFile(good, goodAndBrokenKubeconfig(m_dir.path()));
        writeFile(broken, "clusters: [this is: not yaml");
        kube::KubeConfigSource source;
        source.kubeconfigEnv = broken + u':' + good + u':' + m_dir.filePath(u"absent"_s);
        ContextListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCatalog(loadContextCatalog(source));
        QCOMPARE(model.rowCount(), 2); // the absent file is skipped, the broken one shown
        const QModelIndex brokenRow = model.index(0, ContextListModel::DetailColumn);
        QVERIFY2(
            brokenRow.data().toString().contains(u"config-b"_s), qPrintable(brokenRow.data().toString()));
        QCOMPARE(model.rowCount(model.index(1, 0)), 5);
        const QModelIndex i = model.indexOfContext(context);
        QVERIFY(i.isValid());
        QCOMPARE(i.parent().row(), 1);
        QCOMPARE(i.data(ContextListModel::UsableRole).toBool(), usable);
        QCOMPARE(bool(model.flags(i) & Qt::ItemIsEnabled), usable); // greyed when unusable
        const QString detail = i.siblingAtColumn(ContextListModel::DetailColumn).data().toString();
        if (usable)
            QVERIFY2(detail.contains(u"https://127.0.0.1:6443"_s), qPrintable(detail));
        else
            QVERIFY2(detail.contains(reason), qPrintable(detail));
        QCOMPARE(model.catalog().currentContext, u"good"_s);
    }

    // The view loads in the background and preselects the current context.
    void viewPreselectsCurrent()
    {
        writeFile(m_dir.filePath(u"config-a"_s), goodAndBrokenKubeconfig(m_dir.path()));
        ClusterView view;
        QSignalSpy loaded(&view, &ClusterView::contextsLoaded);
        kube::KubeConfigSource source;
        source.explicitPath = m_dir.filePath(u"config-a"_s);
        view.setSource(source);
        QVERIFY(loaded.wait(10000));
        const QModelIndex current = view.contextTree()->currentIndex();
        QCOMPARE(current.data(ContextListModel::ContextNameRole).toString(), u"good"_s);
    }

    void services_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<int>("rows");
        QTest::newRow("no filter") << QString() << 3;
        QTest::newRow("by namespace") << u"shop"_s << 2;
        QTest::newRow("by VIP") << u"203.0.113.10"_s << 1;
        QTest::newRow("by provider") << u"metallb"_s << 1;
    }

    void services()
    {
        QFETCH(QString, filter);
        QFETCH(int, rows);
        QList<ServiceRow> list;
        const auto add
            = [&](const QString &ns, const QString &name, const QString &ip, const QString &ann, int ready) {
                  ServiceRow r;
                  r.service.nameSpace = ns;
                  r.service.name = name;
                  if (!ip.isEmpty())
                      r.service.ingressIps = {ip};
                  r.service.ports = {{{}, u"TCP"_s, 80, u"8080"_s, 30080}};
                  r.service.externalTrafficPolicy = u"Local"_s;
                  if (!ann.isEmpty())
                      r.service.annotations.insert(ann, u"x"_s);
                  r.readyEndpoints = ready;
                  r.totalEndpoints = 3;
                  list << r;
              };
        add(u"default"_s, u"web"_s, u"203.0.113.10"_s,
            u"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type"_s, 3);
        add(u"shop"_s, u"api"_s, u"203.0.113.20"_s, u"metallb.universe.tf/address-pool"_s, 0);
        add(u"shop"_s, u"pending"_s, {}, {}, 1);
        ServiceTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(list);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setFilterKeyColumn(-1);
        proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setFilterFixedString(filter);
        QCOMPARE(proxy.rowCount(), rows);
        QCOMPARE(model.index(0, ServiceTableModel::Provider).data().toString(), u"IBM keepalived"_s);
        QCOMPARE(model.index(1, ServiceTableModel::Endpoints).data().toString(), u"0/3"_s);
        QCOMPARE(
            model.index(1, ServiceTableModel::Endpoints).data(Qt::ForegroundRole).value<QBrush>().color(),
            topology::widgetProblemColor()); // no ready endpoint: red
        QVERIFY(!model.index(0, ServiceTableModel::Endpoints).data(Qt::ForegroundRole).isValid());
        QCOMPARE(model.index(2, ServiceTableModel::Vip).data().toString(), u"<pending>"_s);
        QCOMPARE(model.rowOf(u"shop/api"_s), 1);
    }

    void topology_data()
    {
        QTest::addColumn<kube::LocateResult>("result");
        QTest::addColumn<bool>("problem");
        QTest::addColumn<int>("nodeCards");
        const kube::LocateResult ok = labResult();
        QTest::newRow("holder") << ok << false << 3;
        kube::LocateResult none = ok;
        none.holderNode.clear();
        none.interface.clear();
        none.holders.clear();
        none.interfaces.clear();
        none.problems
            = {u"VIP 203.0.113.10 was found on no node (checked: lab-node-1, lab-node-2, lab-node-3)"_s};
        QTest::newRow("VIP on no node") << none << true << 3;
        kube::LocateResult two = none;
        two.holders = {u"lab-node-1"_s, u"lab-node-2"_s};
        two.problems = {u"VIP 203.0.113.10 is on 2 nodes at once: lab-node-1, lab-node-2"_s};
        QTest::newRow("VIP on two nodes") << two << true << 3;
        kube::LocateResult disagree = ok;
        disagree.problems = {u"keepalived says lab-node-2 is MASTER but the VIP is on lab-node-1"_s};
        QTest::newRow("provider disagrees") << disagree << true << 3;
    }

    // Same result, same picture; every label apart; problems in red.
    void topology()
    {
        QFETCH(kube::LocateResult, result);
        QFETCH(bool, problem);
        QFETCH(int, nodeCards);
        const auto positions = [&] {
            TopologyScene scene;
            scene.setResult(result);
            QList<QRectF> rects;
            for (auto *c : scene.cards())
                rects << c->sceneBoundingRect();
            for (auto *p : scene.ports())
                rects << p->sceneBoundingRect();
            return rects;
        };
        const QList<QRectF> first = positions();
        QCOMPARE(positions(), first);
        for (int i = 0; i < first.size(); ++i) {
            for (int j = i + 1; j < first.size(); ++j)
                QVERIFY2(
                    !first[i].intersects(first[j]), qPrintable(u"items %1 and %2 overlap"_s.arg(i).arg(j)));
        }
        TopologyView view; // the picture as exported, for people to look at: LBSCOPE_TOPOLOGY_SHOTS=DIR
        view.setResult(result);
        if (const QString dir = qEnvironmentVariable("LBSCOPE_TOPOLOGY_SHOTS"); !dir.isEmpty())
            QCOMPARE(view.exportTo(dir + u"/topology-"_s
                         + QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-') + u".png"_s),
                QString());
        TopologyScene &scene = *view.scene();
        int nodes = 0;
        bool redCard = false, redLine = false;
        for (auto *c : scene.cards()) {
            nodes += c->kind() == u"node"_s;
            redCard = redCard || (c->kind() != u"pod"_s && isRed(c->pen().color()));
            for (const auto &l : c->lines())
                redLine = redLine || (c->kind() != u"pod"_s && isRed(l.color));
        }
        QCOMPARE(nodes, nodeCards);
        QCOMPARE(redCard, problem);
        QCOMPARE(redLine, problem);
        // The problems are drawn, word for word, on the picture.
        for (const QString &p : result.problems) {
            QString drawn;
            for (auto *c : scene.cards()) {
                if (c->kind() == u"problems"_s) {
                    for (const auto &l : c->lines())
                        drawn += l.text.mid(2).trimmed() + u' ';
                }
            }
            QVERIFY2(drawn.simplified().contains(p), qPrintable(drawn));
        }
        if (result.holders.size() == 1) {
            QCOMPARE(scene.ports().size(), result.interfaces.size());
            TopologyCardItem *holder = nullptr;
            for (auto *c : scene.cards())
                if (c->title() == result.holderNode)
                    holder = c;
            QVERIFY(holder);
            QCOMPARE(holder->pen().color(), topology::holderColor());
            QStringList text;
            for (const auto &l : holder->lines())
                text << l.text;
            QVERIFY2(text.join(u' ').contains(u"source: ibm-keepalived"_s), qPrintable(text.join(u'|')));
        }
    }

    // Clicking a port selects the target, double-clicking asks for a capture.
    void portSignals()
    {
        TopologyScene scene;
        scene.setResult(labResult());
        QSignalSpy selected(&scene, &TopologyScene::targetSelected);
        QSignalSpy capture(&scene, &TopologyScene::captureRequested);
        TopologyPortItem *eth1 = nullptr;
        for (auto *p : scene.ports())
            if (p->iface() == u"eth1"_s)
                eth1 = p;
        QVERIFY(eth1);
        emit eth1->clicked(eth1->node(), eth1->iface());
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.first(), (QList<QVariant> {u"lab-node-1"_s, u"eth1"_s}));
        QVERIFY(eth1->isTarget());
        emit eth1->doubleClicked(eth1->node(), eth1->iface());
        QCOMPARE(capture.size(), 1);
        scene.setResult(labResult()); // a refresh keeps the target
        for (auto *p : scene.ports())
            QCOMPARE(p->isTarget(), p->iface() == u"eth1"_s);
    }

    void exportFiles_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("png") << u"topology.png"_s;
        QTest::newRow("svg") << u"topology.svg"_s;
    }

    void exportFiles()
    {
        QFETCH(QString, name);
        TopologyView view;
        view.setResult(labResult());
        const QString path = m_dir.filePath(name);
        QCOMPARE(view.exportTo(path), QString());
        const QSizeF size = view.scene()->sceneRect().size();
        if (name.endsWith(u".png"_s)) {
            QImage image(path);
            QVERIFY(!image.isNull());
            QCOMPARE(image.size(), (size * 2).toSize());
        } else {
            QSvgRenderer svg(path);
            QVERIFY(svg.isValid());
            QCOMPARE(svg.viewBoxF().size(), size);
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.readAll().contains("lab-node-1"));
        }
        QVERIFY(!view.exportTo(m_dir.filePath(u"no-such-dir/x.png"_s)).isEmpty());
    }

    void sshForm_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("jump");
        QTest::addColumn<QString>("error");
        QTest::newRow("ok") << u"10.0.0.1"_s << u"root@bastion:2222"_s << QString();
        QTest::newRow("no host") << QString() << QString() << u"no host given"_s;
        QTest::newRow("bad jump") << u"10.0.0.1"_s << u"root@ba stion"_s << u"Jump host"_s;
    }

    void sshForm()
    {
        QFETCH(QString, host);
        QFETCH(QString, jump);
        QFETCH(QString, error);
        SshNodeDialog dialog;
        SshEndpointChoice c;
        c.user = u"root"_s;
        c.host = host;
        c.port = 22011;
        c.jump = jump;
        dialog.setEndpoint(c);
        auto o = dialog.options();
        if (error.isEmpty()) {
            QVERIFY(o.ok());
            QCOMPARE(o->target.port, 22011);
            QCOMPARE(QString::fromStdString(o->jump->host), u"bastion"_s);
            QVERIFY(!o->passphrase);
        } else {
            QVERIFY(!o.ok());
            QVERIFY2(
                QString::fromStdString(o.error().toString()).contains(error), o.error().toString().c_str());
            QSignalSpy finished(&dialog, &SshNodeDialog::testFinished);
            dialog.testConnection();
            QCOMPARE(finished.size(), 1);
            QVERIFY(dialog.resultLines().first().second); // shown in red
        }
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestCluster)
#include "tst_cluster.moc"
