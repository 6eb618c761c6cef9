#pragma once
// Groups paths given together (command line, drag and drop, file dialog) into captures: the files
// of one rotated set (same name up to trailing digits, same folder) form one capture; every other
// file or directory is a capture of its own.

#include <QStringList>

namespace lbs::ui {

class InputGrouping {
public:
    static QList<QStringList> group(const QStringList &paths);
    /// "x.pcap" for "x.pcap3": the name without trailing digits, with its folder.
    static QString rotationBase(const QString &path);
};

} // namespace lbs::ui
