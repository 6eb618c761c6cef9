#pragma once
// The guided troubleshooting wizard: cluster → service (the workbench's topology picture) → checks
// (core/checks, live) → plan (CapturePlanForm, proposed from what was found) → commit (what will be
// created where and for how long) → capture → download (sha256 verified) → verdict (one sentence from
// core/analysis/verdict, the findings explained, "Open in viewer"). The same widgets and engines as
// the expert views.

#include "ui/wizard/wizardstate.h"

#include <QWizard>

namespace lbs::ui {

class CaptureController;
class ClusterSession;

class TroubleshootWizard : public QWizard {
    Q_OBJECT
public:
    enum PageId {
        ClusterPageId,
        ServicePageId,
        ChecksPageId,
        PlanPageId,
        CommitPageId,
        CapturePageId,
        DownloadPageId,
        VerdictPageId
    };
    Q_ENUM(PageId)

    explicit TroubleshootWizard(QWidget *parent = nullptr);
    ~TroubleshootWizard() override;

    /// Where kubeconfig is read from (--kubeconfig); reloads the contexts.
    void setSource(const kube::KubeConfigSource &source);
    /// Connects to `context` (empty: the current one) once the contexts are loaded and, given a
    /// service ("ns/name"), goes on to it.
    void start(const QString &context, const QString &service);
    /// Locate with probe pods on the nodes (default) or from the API alone.
    void setProbeNodes(bool probe) { m_state.probeNodes = probe; }

    WizardState &state() { return m_state; }
    ClusterSession *session() const { return m_session; }
    CaptureController *controller() const { return m_controller; }

    void reject() override;

signals:
    /// "Open in viewer" on the verdict page.
    void openCaptureRequested(const QString &dir, const QString &label);

private:
    WizardState m_state;
    ClusterSession *m_session;
    CaptureController *m_controller;
};

} // namespace lbs::ui
