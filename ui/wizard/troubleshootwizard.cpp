#include "ui/wizard/troubleshootwizard.h"

#include "ui/capture/capturecontroller.h"
#include "ui/cluster/clustersession.h"
#include "ui/wizard/capturerunpage.h"
#include "ui/wizard/checkspage.h"
#include "ui/wizard/clusterpage.h"
#include "ui/wizard/commitpage.h"
#include "ui/wizard/downloadpage.h"
#include "ui/wizard/planpage.h"
#include "ui/wizard/servicepage.h"
#include "ui/wizard/verdictpage.h"

namespace lbs::ui {

TroubleshootWizard::TroubleshootWizard(QWidget *parent)
    : QWizard(parent), m_session(new ClusterSession(this)), m_controller(new CaptureController(this))
{
    setObjectName(QStringLiteral("troubleshootWizard"));
    setWindowTitle(tr("Troubleshoot a Load Balancer — lbscope"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setOption(QWizard::HaveHelpButton, false);
    setOption(QWizard::NoBackButtonOnLastPage);
    auto *cluster = new WizardClusterPage(this);
    auto *service = new WizardServicePage(this);
    setPage(ClusterPageId, cluster);
    setPage(ServicePageId, service);
    setPage(ChecksPageId, new WizardChecksPage(this));
    setPage(PlanPageId, new WizardPlanPage(this));
    setPage(CommitPageId, new WizardCommitPage(this));
    setPage(CapturePageId, new WizardCapturePage(this));
    setPage(DownloadPageId, new WizardDownloadPage(this));
    setPage(VerdictPageId, new WizardVerdictPage(this));
    setStartId(ClusterPageId);
    resize(1100, 780);
    cluster->reloadContexts();
}

TroubleshootWizard::~TroubleshootWizard() = default;

void TroubleshootWizard::setSource(const kube::KubeConfigSource &source)
{
    m_state.source = source;
    m_session->setSource(source);
    static_cast<WizardClusterPage *>(page(ClusterPageId))->reloadContexts();
}

void TroubleshootWizard::start(const QString &context, const QString &service)
{
    auto *cluster = static_cast<WizardClusterPage *>(page(ClusterPageId));
    if (!service.isEmpty()) {
        static_cast<WizardServicePage *>(page(ServicePageId))->selectWhenListed(service);
        // Connected: straight on to the service, which is being located.
        auto *once = new QObject(this);
        connect(cluster, &WizardClusterPage::connected, once, [this, once] {
            if (currentId() == ClusterPageId)
                next();
            once->deleteLater();
        });
    }
    cluster->connectWhenLoaded(context);
}

void TroubleshootWizard::reject()
{
    // A capture under way is cancelled first: tcpdump stopped, its files and the pod removed.
    if (m_controller->isRunning()) {
        connect(
            m_controller, &CaptureController::finished, this, [this] { QWizard::reject(); },
            Qt::SingleShotConnection);
        m_controller->abort();
        return;
    }
    QWizard::reject();
}

} // namespace lbs::ui
