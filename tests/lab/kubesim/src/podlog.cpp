#include "podlog.h"

namespace kubesim {

void PodLog::append(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    m_data.append(bytes);
    if (m_data.size() > Limit) {
        // Drop whole lines from the front, like a rotated container log.
        qsizetype cut = m_data.size() - Limit;
        const qsizetype nl = m_data.indexOf('\n', cut);
        m_data.remove(0, nl < 0 ? cut : nl + 1);
    }
    emit appended(bytes);
}

void PodLog::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    emit ended();
}

QByteArray PodLog::tail(int lines) const
{
    if (lines < 0)
        return m_data;
    if (lines == 0)
        return {};
    qsizetype end = m_data.size();
    if (end > 0 && m_data.endsWith('\n'))
        --end;
    int count = 0;
    for (qsizetype i = end - 1; i >= 0; --i) {
        if (m_data[i] == '\n' && ++count == lines)
            return m_data.mid(i + 1);
    }
    return m_data;
}

} // namespace kubesim
