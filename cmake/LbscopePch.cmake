# Precompiled headers: the standard library and Qt are parsed once per target instead of once per
# source file. Used where parsing is a large share of a file's compile time and a target has many
# files: the widgets (ui), core/kube, the lab's API server and the engine (13-37 % less CPU there).
# Not for lbscope-cli, whose cost is CLI11's code generation, which a PCH keeps; not for the tests,
# which are one file each plus a moc file that the PCH would be forced into, and cannot share one
# PCH per folder because QTest reads which Qt modules a test links (measured: no gain).
# A set is named after what a target already includes; it never adds a dependency (Qt sets go only
# to targets that link Qt). With Qt in the set, Qt's keywords (emit, signals, slots) are macros in
# every file of the target. LBSCOPE_PCH=OFF builds without them (include hygiene: a file that forgot
# an include still compiles with a PCH).
#   lbscope_pch(TARGET SET)    the target precompiles the set (LBSCOPE_PCH_<SET>) for its own files
option(LBSCOPE_PCH "Precompile the standard library and Qt headers" ON)

set(LBSCOPE_PCH_STL
    <algorithm> <array> <atomic> <chrono> <cmath> <cstdint> <cstdio> <cstdlib> <cstring> <deque>
    <filesystem> <functional> <map> <memory> <mutex> <optional> <set> <span> <string> <string_view>
    <thread> <unordered_map> <utility> <vector>)
set(LBSCOPE_PCH_QTCORE ${LBSCOPE_PCH_STL}
    <QByteArray> <QDateTime> <QDir> <QElapsedTimer> <QFile> <QFileInfo> <QHash> <QJsonArray>
    <QJsonDocument> <QJsonObject> <QList> <QMap> <QObject> <QPointer> <QProcess> <QRegularExpression>
    <QString> <QStringList> <QTemporaryDir> <QThread> <QTimer> <QUrl> <QVariant>)
set(LBSCOPE_PCH_QTNETWORK ${LBSCOPE_PCH_QTCORE}
    <QNetworkAccessManager> <QNetworkReply> <QNetworkRequest> <QSslConfiguration> <QTcpServer>
    <QTcpSocket>)
set(LBSCOPE_PCH_QTWIDGETS ${LBSCOPE_PCH_QTCORE}
    <QAbstractTableModel> <QAction> <QApplication> <QCheckBox> <QColor> <QComboBox> <QFileDialog>
    <QHBoxLayout> <QHeaderView> <QItemSelectionModel> <QLabel> <QLineEdit> <QMessageBox> <QPainter>
    <QProgressBar> <QPushButton> <QSettings> <QSplitter> <QTabWidget> <QTableView> <QToolButton>
    <QTreeWidget> <QVBoxLayout> <QWidget> <QWizardPage>)

function(lbscope_pch target set)
  if(NOT LBSCOPE_PCH)
    return()
  endif()
  if(NOT DEFINED LBSCOPE_PCH_${set})
    message(FATAL_ERROR "lbscope_pch: no header set ${set}")
  endif()
  target_precompile_headers(${target} PRIVATE ${LBSCOPE_PCH_${set}})
endfunction()
