# kabinet_add_plugin(<name> SOURCES <files...> [LIBS <libs...>] [MANIFEST_HEADER <header> MANIFEST_PREFIX <PREFIX>])
# Builds a plugin as a MODULE library named kabinet-<name>.so and stages it with the manifest.json of
# its source folder into ${KABINET_PLUGIN_OUT}/<name>/, the layout kabinetd scans (--plugins). The plugin's
# src/ is on its include path; everything but the entry stays inside the library (hidden visibility, no
# undefined symbols, static libraries' symbols not exported). With MANIFEST_HEADER, the descriptor's
# strings are generated from the manifest (kabinet_plugin_manifest below).
function(kabinet_add_plugin name)
  cmake_parse_arguments(P "" "MANIFEST_HEADER;MANIFEST_PREFIX" "SOURCES;LIBS" ${ARGN})
  set(target kabinet-plugin-${name})
  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME kabinet-${name}
    PREFIX lib
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${KABINET_PLUGIN_OUT}/${name})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/core/include ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${target} PRIVATE ${P_LIBS})
  target_link_options(${target} PRIVATE -Wl,--no-undefined -Wl,--exclude-libs,ALL)
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/manifest.json ${KABINET_PLUGIN_OUT}/${name}/manifest.json COPYONLY)
  if(P_MANIFEST_HEADER)
    kabinet_plugin_manifest(${target} ${P_MANIFEST_HEADER} ${P_MANIFEST_PREFIX})
  endif()
  # Installed (package kabinet) in the same layout: <libdir>/kabinet/plugins/<name>/{lib…so,manifest.json}.
  install(TARGETS ${target} LIBRARY DESTINATION ${KABINET_INSTALL_PLUGINDIR}/${name} COMPONENT runtime)
  install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/manifest.json DESTINATION ${KABINET_INSTALL_PLUGINDIR}/${name} COMPONENT runtime)
endfunction()

# kabinet_add_decoders(<prefix> DECODERS <d...> SOURCES <codec sources...>)
# A driver's frame decoders, each with an entry fuzz/fuzz_<d>.cpp (LLVMFuzzerTestOneInput over the pure
# decoder) and seeds in fuzz/corpus/<d>/. With KABINET_FUZZ (a clang tree) each becomes a libFuzzer target
# fuzz_<prefix>_<d>; otherwise a benchmark bench_decode_<prefix>_<d> that feeds the seeds through the same
# entry and prints frames per second (bench/decode_bench_main.cpp).
function(kabinet_add_decoders prefix)
  cmake_parse_arguments(D "" "" "DECODERS;SOURCES" ${ARGN})
  set(codecs kabinet-codecs-${prefix})
  add_library(${codecs} OBJECT ${D_SOURCES})
  target_include_directories(${codecs} PRIVATE ${CMAKE_SOURCE_DIR}/core/include ${CMAKE_CURRENT_SOURCE_DIR}/src)
  if(KABINET_FUZZ)
    target_compile_options(${codecs} PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
  endif()
  foreach(decoder ${D_DECODERS})
    if(KABINET_FUZZ)
      set(target fuzz_${prefix}_${decoder})
      add_executable(${target} fuzz/fuzz_${decoder}.cpp $<TARGET_OBJECTS:${codecs}>)
      target_compile_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
      target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
      set_property(GLOBAL APPEND PROPERTY KABINET_FUZZERS ${target})
    else()
      set(target bench_decode_${prefix}_${decoder})
      add_executable(${target} fuzz/fuzz_${decoder}.cpp $<TARGET_OBJECTS:${codecs}> ${CMAKE_SOURCE_DIR}/bench/decode_bench_main.cpp)
      target_compile_definitions(${target} PRIVATE KABINET_DECODER_CORPUS="${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${decoder}")
      set_property(GLOBAL APPEND PROPERTY KABINET_DECODE_BENCHES ${target})
    endif()
    target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/core/include ${CMAKE_CURRENT_SOURCE_DIR}/src)
  endforeach()
endfunction()

# kabinet_plugin_manifest(<target> <header> <PREFIX>)
# manifest.json is the single source of truth of a plugin's name, version and config schema: generates
# generated/<header> from src/<header>.in with @<PREFIX>_NAME@, @<PREFIX>_VERSION@ and @<PREFIX>_SCHEMA@ taken
# from it (the host checks that descriptor and manifest agree) and lets <target> include it.
function(kabinet_plugin_manifest target header prefix)
  set(manifest ${CMAKE_CURRENT_SOURCE_DIR}/manifest.json)
  file(READ ${manifest} text)
  string(JSON ${prefix}_NAME GET "${text}" name)
  string(JSON ${prefix}_VERSION GET "${text}" version)
  string(JSON ${prefix}_SCHEMA GET "${text}" config_schema)
  string(FIND "${${prefix}_SCHEMA}" ")kbschema\"" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${manifest}: config_schema must not contain the raw string delimiter )kbschema\"")
  endif()
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/src/${header}.in ${CMAKE_CURRENT_BINARY_DIR}/generated/${header} @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${manifest})
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
endfunction()

# kabinet_add_plugin_test(<plugin> <test name> SOURCES <files...>)
# A Catch2 test executable of a plugin, registered with CTest: it loads the built plugin like the host does
# (KABINET_PLUGIN_OUT) and may start the simulators of tests/simulators (kabinet_meter_sim).
function(kabinet_add_plugin_test plugin name)
  cmake_parse_arguments(T "" "" "SOURCES" ${ARGN})
  set(target ${plugin}_test)
  string(REPLACE "-" "_" target ${target})
  add_executable(${target} ${T_SOURCES})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/core/include ${CMAKE_SOURCE_DIR}/core/src
    ${CMAKE_CURRENT_SOURCE_DIR}/../src ${CATCH2_INCLUDE_DIR})
  target_link_libraries(${target} PRIVATE
    kabinet_test_main kabinet_meter_sim Boost::filesystem Poco::Net Poco::JSON Poco::Foundation Threads::Threads ${CMAKE_DL_LIBS})
  add_dependencies(${target} kabinet-plugin-${plugin})
  add_test(NAME ${name} COMMAND ${target})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "KABINET_PLUGIN_OUT=${KABINET_PLUGIN_OUT};KABINET_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
    TIMEOUT 300)
endfunction()
