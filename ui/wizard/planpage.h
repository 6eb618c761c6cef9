#pragma once
// Wizard page 4: the capture proposed from what locating and the checks found (node, both sides of
// its NAT by default, filter without the tool's own traffic, ring, duration), each choice explained in
// plain words, and
// editable in the capture page's own form (CapturePlanForm).

#include "core/pcap/capturerecord.h"

#include <QWizardPage>

#include <vector>

class QLabel;

namespace lbs::ui {

class CapturePlanForm;
class TroubleshootWizard;

class WizardPlanPage : public QWizardPage {
    Q_OBJECT
public:
    explicit WizardPlanPage(TroubleshootWizard *wizard);

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;
    CapturePlanForm *form() const { return m_form; }
    QLabel *reasons() const { return m_reasons; }

    /// The one-side filter (when both sides cannot be proposed: no single holder, another interface
    /// chosen, no endpoint ports): the VIP and the service's ports, without the API server's
    /// `host:port` (the debug pod's exec stream) when it is an address.
    static QString proposedFilter(const QString &vip, const QStringList &ports, const QString &server);

private:
    TroubleshootWizard *m_wizard;
    CapturePlanForm *m_form;
    QLabel *m_reasons;
    bool m_bothSides = false; ///< -i any with the VIP's and the endpoints' addresses and ports
    std::vector<pcap::ServiceEndpoint> m_endpoints;
    std::vector<pcap::CaptureInterface> m_interfaces;
};

} // namespace lbs::ui
