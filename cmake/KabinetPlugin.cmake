# kabinet_add_plugin(<name> SOURCES <files...> [LIBS <libs...>])
# Builds a plugin as a MODULE library named kabinet-<name>.so and stages it with the manifest.json of
# its source folder into ${KABINET_PLUGIN_OUT}/<name>/, the layout kabinetd scans (--plugins).
function(kabinet_add_plugin name)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  set(target kabinet-plugin-${name})
  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME kabinet-${name}
    PREFIX lib
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${KABINET_PLUGIN_OUT}/${name})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/core/include)
  target_link_libraries(${target} PRIVATE ${P_LIBS})
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/manifest.json ${KABINET_PLUGIN_OUT}/${name}/manifest.json COPYONLY)
endfunction()
