# KabinetSDK — builds Kabinet plugins outside the Kabinet source tree, against the installed SDK headers.
#
#   find_package(KabinetSDK REQUIRED)
#   kabinet_sdk_add_plugin(my-driver SOURCES src/plugin.cpp MANIFEST manifest.json)
#
# builds libkabinet-my-driver.so with hidden visibility and stages it with its manifest.json in
# ${CMAKE_BINARY_DIR}/plugins/my-driver/, a folder kabinetd loads (--plugins ${CMAKE_BINARY_DIR}/plugins).
get_filename_component(KABINET_SDK_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(KABINET_SDK_INCLUDE_DIR "${KABINET_SDK_PREFIX}/include")
if(NOT EXISTS "${KABINET_SDK_INCLUDE_DIR}/kabinet/plugin.h")
  set(KabinetSDK_FOUND FALSE)
  set(KabinetSDK_NOT_FOUND_MESSAGE "kabinet/plugin.h not found under ${KABINET_SDK_INCLUDE_DIR}")
  return()
endif()
file(STRINGS "${KABINET_SDK_INCLUDE_DIR}/kabinet/plugin.h" _kb_major REGEX "#define KABINET_ABI_MAJOR")
file(STRINGS "${KABINET_SDK_INCLUDE_DIR}/kabinet/plugin.h" _kb_minor REGEX "#define KABINET_ABI_MINOR")
string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _kb_major "${_kb_major}")
string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _kb_minor "${_kb_minor}")
set(KabinetSDK_ABI "${_kb_major}.${_kb_minor}")
set(KabinetSDK_FOUND TRUE)

function(kabinet_sdk_add_plugin name)
  cmake_parse_arguments(P "" "MANIFEST" "SOURCES;LIBS" ${ARGN})
  if(NOT P_MANIFEST)
    set(P_MANIFEST ${CMAKE_CURRENT_SOURCE_DIR}/manifest.json)
  endif()
  set(out ${CMAKE_BINARY_DIR}/plugins/${name})
  add_library(${name} MODULE ${P_SOURCES})
  set_target_properties(${name} PROPERTIES
    OUTPUT_NAME kabinet-${name} PREFIX lib
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden C_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${out})
  target_include_directories(${name} PRIVATE ${KABINET_SDK_INCLUDE_DIR})
  target_link_libraries(${name} PRIVATE ${P_LIBS})
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  configure_file(${P_MANIFEST} ${out}/manifest.json COPYONLY)
endfunction()
