# Third-party dependencies, all from Debian packages.
find_package(Threads REQUIRED)
find_package(Poco REQUIRED COMPONENTS Foundation Net NetSSL Util JSON Crypto XML Zip)
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)
find_package(OpenSSL REQUIRED)

# SOCI 4.0 ships no CMake config on Debian.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIB soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIB soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIB soci_postgresql REQUIRED)
find_path(PQ_INCLUDE_DIR libpq-fe.h PATH_SUFFIXES postgresql REQUIRED)
find_library(PQ_LIB pq REQUIRED)
find_library(SQLITE3_LIB sqlite3 REQUIRED)
add_library(kabinet_soci INTERFACE)
target_include_directories(kabinet_soci INTERFACE ${SOCI_INCLUDE_DIR} ${PQ_INCLUDE_DIR})
target_link_libraries(kabinet_soci INTERFACE ${SOCI_POSTGRESQL_LIB} ${SOCI_SQLITE3_LIB} ${SOCI_CORE_LIB} ${PQ_LIB} ${SQLITE3_LIB} ${CMAKE_DL_LIBS})

find_path(LUA_INCLUDE_DIR lua.h PATH_SUFFIXES lua5.4 REQUIRED)
# Lua built as C++ (Debian's liblua5.4-c++): a Lua error unwinds as a C++ exception, so destructors of
# C++ objects in frames between lua_error and the protected call run (no leaks, no skipped cleanup).
find_library(LUA_LIB lua5.4-c++ REQUIRED)
add_library(kabinet_lua INTERFACE)
target_include_directories(kabinet_lua INTERFACE ${LUA_INCLUDE_DIR})
target_link_libraries(kabinet_lua INTERFACE ${LUA_LIB} m)

# Argon2 reference implementation (libargon2) for password hashing.
find_path(ARGON2_INCLUDE_DIR argon2.h REQUIRED)
find_library(ARGON2_LIB argon2 REQUIRED)
add_library(kabinet_argon2 INTERFACE)
target_include_directories(kabinet_argon2 INTERFACE ${ARGON2_INCLUDE_DIR})
target_link_libraries(kabinet_argon2 INTERFACE ${ARGON2_LIB})

# libxlsxwriter for XLSX exports (archives, reports).
find_path(XLSXWRITER_INCLUDE_DIR xlsxwriter.h REQUIRED)
find_library(XLSXWRITER_LIB xlsxwriter REQUIRED)
add_library(kabinet_xlsx INTERFACE)
target_include_directories(kabinet_xlsx INTERFACE ${XLSXWRITER_INCLUDE_DIR})
target_link_libraries(kabinet_xlsx INTERFACE ${XLSXWRITER_LIB})

# libqrencode for the QR code of a second factor's set-up (otpauth:// URI as SVG).
find_path(QRENCODE_INCLUDE_DIR qrencode.h REQUIRED)
find_library(QRENCODE_LIB qrencode REQUIRED)
add_library(kabinet_qrencode INTERFACE)
target_include_directories(kabinet_qrencode INTERFACE ${QRENCODE_INCLUDE_DIR})
target_link_libraries(kabinet_qrencode INTERFACE ${QRENCODE_LIB})

find_path(CATCH2_INCLUDE_DIR catch2/catch.hpp REQUIRED)

# Pango over cairo for the printable applications (PDF): real, extractable Cyrillic text with the DejaVu fonts,
# wrapped by word.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo cairo-pdf)
add_library(kabinet_pdf INTERFACE)
target_link_libraries(kabinet_pdf INTERFACE PkgConfig::PANGOCAIRO)
