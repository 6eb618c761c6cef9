#pragma once
// lbscope(1): the GUI's man page, written from the same QCommandLineOption list as --help.

#include <QCommandLineOption>
#include <QString>

#include <string>
#include <vector>

namespace lbs::gui {

std::string manPage(const QString &description, const std::vector<QCommandLineOption> &options);

} // namespace lbs::gui
