# Fails the configure step when a core module links something its layer forbids.
function(_lbscope_check_layer target forbidden_regex why)
  if(NOT TARGET ${target})
    return()
  endif()
  get_target_property(libs ${target} LINK_LIBRARIES)
  get_target_property(ilibs ${target} INTERFACE_LINK_LIBRARIES)
  foreach(lib IN LISTS libs ilibs)
    if(lib MATCHES "${forbidden_regex}")
      message(FATAL_ERROR "Layering violation: ${target} links ${lib} (${why})")
    endif()
  endforeach()
endfunction()

_lbscope_check_layer(lbscope_common "Qt" "core/common is Qt-free")
_lbscope_check_layer(lbscope_pcap "Qt|lbscope_(analysis|kube|ssh|capture|ui)" "core/pcap uses no Qt and depends only on common")
_lbscope_check_layer(lbscope_analysis "Qt|lbscope_(kube|ssh|capture|ui)" "core/analysis uses no Qt")
foreach(t lbscope_kube lbscope_ssh lbscope_capture lbscope_checks)
  _lbscope_check_layer(${t} "Widgets|Gui|QCustomPlot|lbscope_ui" "core links no widgets")
endforeach()
# Capture files are read only through core/pcap: the capture workflow does not link libpcap itself.
_lbscope_check_layer(lbscope_capture "PkgConfig::PCAP" "core/capture reads pcap only through core/pcap")
foreach(t lbscope_kube lbscope_ssh)
  _lbscope_check_layer(${t} "PkgConfig::PCAP|lbscope_pcap" "core/kube and core/ssh know no capture format")
endforeach()
_lbscope_check_layer(lbscope_clidoc "Qt|lbscope_" "app/clidoc renders documentation from data only")
# core/checks reads the cluster through core/kube only: node access comes in from the front end.
_lbscope_check_layer(lbscope_checks "Widgets|Gui|QCustomPlot|lbscope_(ui|capture|ssh|pcap|analysis)"
  "core/checks links QtCore and core/kube only")
# core/report writes the run from the checks and the analysis: no widgets, no cluster or node access.
_lbscope_check_layer(lbscope_report "Widgets|Gui|QCustomPlot|lbscope_(ui|capture|ssh|kube)$"
  "core/report links QtCore, core/checks and core/analysis only")
