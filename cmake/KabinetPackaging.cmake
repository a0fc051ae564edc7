# Install layout and the Debian packages. `cmake --install` (prefix /usr in the packages) lays out:
#   bin/kabinetd, bin/kabinet                 the server and the CLI                        (component runtime)
#   lib/kabinet/plugins/<name>/               the bundled plugins, each with its manifest   (runtime)
#   share/kabinet/{scripts,tenants,portal,sql} the shared Lua library, seed tenants, portal, migrations (runtime)
#   /etc/kabinet/kabinet.conf, /etc/kabinet/tenants/, systemd units, nginx site (runtime, absolute paths)
#   include/kabinet, lib/cmake/KabinetSDK     the plugin SDK                                 (sdk)
# `cpack -G DEB` in the build tree makes kabinet_<v>_<arch>.deb (runtime) and kabinet-dev_<v>_all.deb (sdk);
# the test packaging.deb (tests/packaging/deb.sh) builds, lints, installs and purges them. Installed programs
# find their files beside them (Config.cpp: defaultShareDir, defaultPluginDir, defaultConfigFile).
# Installing (and cpack) takes what the build made; it does not start a build of everything first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(KABINET_INSTALL_PLUGINDIR lib/kabinet/plugins)
set(KABINET_INSTALL_SHAREDIR share/kabinet)
set(KABINET_DEB_DIR ${CMAKE_SOURCE_DIR}/packaging/deb)
set(KABINET_DEB_OUT ${CMAKE_BINARY_DIR}/packaging/deb)

set(kb_file_perms OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
set(kb_dir_perms OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
foreach(dir scripts tenants portal sql)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/${dir} DESTINATION ${KABINET_INSTALL_SHAREDIR} COMPONENT runtime
          FILE_PERMISSIONS ${kb_file_perms} DIRECTORY_PERMISSIONS ${kb_dir_perms}
          PATTERN "README.md" EXCLUDE)
endforeach()

# System files: the configuration (a conffile), the folder of a utility's own tenants, the units, the nginx
# site (not enabled: the administrator links it into sites-enabled).
install(FILES ${CMAKE_SOURCE_DIR}/packaging/etc/kabinet.conf DESTINATION /etc/kabinet COMPONENT runtime PERMISSIONS ${kb_file_perms})
install(DIRECTORY DESTINATION /etc/kabinet/tenants COMPONENT runtime DIRECTORY_PERMISSIONS ${kb_dir_perms})
install(FILES ${CMAKE_SOURCE_DIR}/packaging/systemd/kabinet.service ${CMAKE_SOURCE_DIR}/packaging/systemd/kabinet@.service
              ${CMAKE_SOURCE_DIR}/packaging/systemd/kabinet.target
        DESTINATION /lib/systemd/system COMPONENT runtime PERMISSIONS ${kb_file_perms})
set(KABINET_DEB_CONFFILES "/etc/kabinet/kabinet.conf\n")
if(EXISTS ${CMAKE_SOURCE_DIR}/packaging/nginx/kabinet.conf)
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/nginx/kabinet.conf DESTINATION /etc/nginx/sites-available
          RENAME kabinet COMPONENT runtime PERMISSIONS ${kb_file_perms})
  string(APPEND KABINET_DEB_CONFFILES "/etc/nginx/sites-available/kabinet\n")
endif()
file(WRITE ${KABINET_DEB_OUT}/conffiles "${KABINET_DEB_CONFFILES}")

# Debian's documentation of each package (copyright, compressed changelog), the manual pages and the lintian
# overrides, each with its reason in the file.
configure_file(${KABINET_DEB_DIR}/changelog.in ${KABINET_DEB_OUT}/changelog.Debian @ONLY)
set(kb_gz_inputs ${KABINET_DEB_OUT}/changelog.Debian ${KABINET_DEB_DIR}/kabinetd.1 ${KABINET_DEB_DIR}/kabinet.1)
foreach(f ${kb_gz_inputs})
  get_filename_component(n ${f} NAME)
  execute_process(COMMAND gzip -9nc ${f} OUTPUT_FILE ${KABINET_DEB_OUT}/${n}.gz COMMAND_ERROR_IS_FATAL ANY)
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${KABINET_DEB_DIR}/kabinetd.1 ${KABINET_DEB_DIR}/kabinet.1
             ${KABINET_DEB_DIR}/changelog.in)
foreach(pkg_comp "kabinet;runtime" "kabinet-dev;sdk")
  list(GET pkg_comp 0 pkg)
  list(GET pkg_comp 1 comp)
  install(FILES ${KABINET_DEB_DIR}/copyright ${KABINET_DEB_OUT}/changelog.Debian.gz
          DESTINATION share/doc/${pkg} COMPONENT ${comp} PERMISSIONS ${kb_file_perms})
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/docs/OPERATIONS.md DESTINATION share/doc/kabinet COMPONENT runtime PERMISSIONS ${kb_file_perms})
install(FILES ${KABINET_DEB_OUT}/kabinetd.1.gz ${KABINET_DEB_OUT}/kabinet.1.gz DESTINATION share/man/man1
        COMPONENT runtime PERMISSIONS ${kb_file_perms})
install(FILES ${KABINET_DEB_DIR}/kabinet.lintian-overrides DESTINATION share/lintian/overrides RENAME kabinet
        COMPONENT runtime PERMISSIONS ${kb_file_perms})
install(FILES ${KABINET_DEB_DIR}/kabinet-dev.lintian-overrides DESTINATION share/lintian/overrides RENAME kabinet-dev
        COMPONENT sdk PERMISSIONS ${kb_file_perms})

# CPack: one Debian package per component.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kabinet)
set(CPACK_PACKAGE_VENDOR Kabinet)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Kabinet maintainers <packages@kabinet.example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Absolute destinations (/etc, /lib/systemd) land in the package's staging folder, never on this machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL runtime sdk)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME kabinet)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION net)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "adduser, fonts-dejavu-core")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "nginx, postgresql-client")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "multi-tenant consumer portal and integration server for grid companies
Kabinet serves the consumer portals of several electricity grid companies and
energy suppliers from one server: identity, contracts and accounts, meter data
and polling, appeals and notifications, with each utility's differences in Lua.
.
This package holds the server (kabinetd), the administration tool (kabinet),
the bundled meter driver, connector and channel plugins, the shared Lua
library, the seed tenants, the portal and the database migrations, a systemd
service (one instance or several through kabinet.target) and an nginx site.")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
    ${KABINET_DEB_OUT}/conffiles ${KABINET_DEB_DIR}/postinst ${KABINET_DEB_DIR}/prerm ${KABINET_DEB_DIR}/postrm)

set(CPACK_DEBIAN_SDK_PACKAGE_NAME kabinet-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS "")
set(CPACK_DEBIAN_SDK_PACKAGE_RECOMMENDS "cmake, g++, kabinet")
set(CPACK_DEBIAN_SDK_DESCRIPTION "plugin SDK of the Kabinet server
The C ABI and the C++ layers of Kabinet's plugins (meter drivers, upstream
connectors, message channels) and the CMake package KabinetSDK:
find_package(KabinetSDK) then kabinet_sdk_add_plugin() builds a plugin that
kabinetd loads from its plugins folder.")
include(CPack)
