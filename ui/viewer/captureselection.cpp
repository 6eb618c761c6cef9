#include "captureselection.h"

#include <algorithm>

namespace lbs::ui {

CaptureSelection::CaptureSelection(QObject *parent) : QObject(parent)
{
}

void CaptureSelection::setFullRange(double first, double last)
{
    // A range the user narrowed survives new snapshots of a loading capture (the capture only
    // grows); an unrestricted one follows the new extent.
    const bool keep = isRestricted() && m_end > m_start;
    m_fullStart = first;
    m_fullEnd = std::max(first, last);
    if (keep)
        setRange(m_start, m_end);
    else
        setRange(m_fullStart, m_fullEnd);
}

void CaptureSelection::setRange(double start, double end)
{
    if (end < start)
        std::swap(start, end);
    start = std::max(start, m_fullStart);
    end = std::min(end, m_fullEnd);
    if (end < start)
        end = start;
    // Plots work in relative doubles; snap values that only differ by rounding to the capture edges.
    if (start - m_fullStart < 1e-6)
        start = m_fullStart;
    if (m_fullEnd - end < 1e-6)
        end = m_fullEnd;
    if (start == m_start && end == m_end)
        return;
    m_start = start;
    m_end = end;
    emit rangeChanged(m_start, m_end);
}

void CaptureSelection::setFlows(std::vector<uint32_t> flows)
{
    std::sort(flows.begin(), flows.end());
    flows.erase(std::unique(flows.begin(), flows.end()), flows.end());
    if (flows == m_flows)
        return;
    m_flows = std::move(flows);
    emit flowsChanged();
}

bool CaptureSelection::passesFlowFilter(uint32_t flow) const
{
    return !hasFlowFilter() || std::binary_search(m_filter.begin(), m_filter.end(), flow);
}

void CaptureSelection::setFlowFilter(const QString &name, std::vector<uint32_t> flows)
{
    std::sort(flows.begin(), flows.end());
    flows.erase(std::unique(flows.begin(), flows.end()), flows.end());
    if (name == m_filterName && flows == m_filter)
        return;
    m_filterName = name;
    m_filter = std::move(flows);
    emit flowFilterChanged();
}

} // namespace lbs::ui
