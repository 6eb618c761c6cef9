#pragma once
// Saving the topology picture: PNG (at twice the screen scale, white background) and SVG.

#include "core/common/error.h"

#include <QString>

class QGraphicsScene;

namespace lbs::ui {

/// Renders the whole scene into `path`; the error names the file and the reason.
Status exportScenePng(QGraphicsScene &scene, const QString &path);
/// Writes the whole scene as SVG (QSvgGenerator) into `path`.
Status exportSceneSvg(QGraphicsScene &scene, const QString &path, const QString &title);

} // namespace lbs::ui
