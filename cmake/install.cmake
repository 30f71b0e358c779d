# Installation of the binaries' companions for partner developers: the C++
# SDK as a CMake package (itp::itp_proto, itp::itp_client), the API's .proto
# files and its FileDescriptorSet. Binaries install from their own folders.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ITP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/itp)
set(ITP_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/itp)
set(ITP_INSTALL_HEADERS ${CMAKE_INSTALL_INCLUDEDIR}/itp)

install(TARGETS itp_proto itp_client EXPORT itpTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_BINARY_DIR}/proto/
  DESTINATION ${ITP_INSTALL_HEADERS}
  FILES_MATCHING PATTERN "*.pb.h"
  PATTERN "CMakeFiles" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/client/itp_client.h
  DESTINATION ${ITP_INSTALL_HEADERS}/client)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/proto/
  DESTINATION ${ITP_INSTALL_DATADIR}/proto
  FILES_MATCHING PATTERN "*.proto")
install(FILES ${ITP_DESCRIPTOR_SET} DESTINATION ${ITP_INSTALL_DATADIR})

install(EXPORT itpTargets NAMESPACE itp::
  DESTINATION ${ITP_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/itpConfig.cmake.in
  ${PROJECT_BINARY_DIR}/itpConfig.cmake
  INSTALL_DESTINATION ${ITP_INSTALL_CMAKEDIR}
  PATH_VARS ITP_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/itpConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/itpConfig.cmake
  ${PROJECT_BINARY_DIR}/itpConfigVersion.cmake
  DESTINATION ${ITP_INSTALL_CMAKEDIR})
