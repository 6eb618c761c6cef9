#pragma once
// Helpers shared by the fuzz targets: splitting one input into several parts, and the Qt
// application object the Qt-based parsers expect.

#include <QByteArray>
#include <QCoreApplication>
#include <QList>

#include <cstddef>
#include <cstdint>

namespace lbs::fuzz {

/// Splits the input at NUL bytes into at most `maxParts` parts (the last part keeps the rest).
inline QList<QByteArray> splitParts(const uint8_t *data, size_t size, int maxParts)
{
    const QByteArray all = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    QList<QByteArray> parts;
    qsizetype from = 0;
    while (parts.size() < maxParts - 1) {
        const qsizetype nul = all.indexOf('\0', from);
        if (nul < 0)
            break;
        parts << QByteArray(all.constData() + from, nul - from);
        from = nul + 1;
    }
    parts << QByteArray(all.constData() + from, all.size() - from);
    return parts;
}

/// A QCoreApplication for targets whose code runs Qt event loops (sockets); made once.
inline void ensureQtApplication()
{
    if (QCoreApplication::instance())
        return;
    static int argc = 1;
    static char name[] = "lbscope-fuzz";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
}

} // namespace lbs::fuzz
