#pragma once
// Wizard page 1: the kubeconfig contexts (the workbench's list, unusable ones greyed with their
// reason); choosing one connects in the background. Complete once connected.

#include "ui/cluster/clustersession.h"

#include <QWizardPage>

class QLabel;
class QTreeView;

namespace lbs::ui {

class ContextListModel;
class JobRunner;
class TroubleshootWizard;

class WizardClusterPage : public QWizardPage {
    Q_OBJECT
public:
    explicit WizardClusterPage(TroubleshootWizard *wizard);

    void reloadContexts();
    /// Connects to `context` (empty: the current one) once the contexts are loaded.
    void connectWhenLoaded(const QString &context);
    bool isComplete() const override;
    QTreeView *contextTree() const { return m_tree; }
    QLabel *stateLabel() const { return m_state; }

signals:
    void contextsLoaded();
    void connected();

private:
    void connectTo(const QString &context);
    void onState(ClusterSession::State state, const QString &message);

    TroubleshootWizard *m_wizard;
    JobRunner *m_jobs;
    ContextListModel *m_contexts;
    QTreeView *m_tree;
    QLabel *m_state;
    bool m_pending = false;
    QString m_pendingContext;
};

} // namespace lbs::ui
