#pragma once
// Screenshots from GUI tests: when LBSCOPE_SHOT_DIR is set (scripts/screenshot sets it), a widget is
// grabbed into that directory under `name`; otherwise nothing happens.

#include <QDir>
#include <QString>
#include <QTest>
#include <QWidget>

namespace shots {

inline void shoot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("LBSCOPE_SHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(w->grab().save(dir + QLatin1Char('/') + name));
}

} // namespace shots
