# `cmake --install build --prefix X` installs the spikepipe program, the four static libraries
# with their public headers, the network and platform presets, and a CMake package so that other
# projects can `find_package(SpikePipeSC)` and link spikepipe::core|workloads|models|platform
# (docs/LIBRARY.md; examples/consumer/ is such a project).
include(CMakePackageConfigHelpers)

set(SPIKEPIPE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/SpikePipeSC)

install(TARGETS spikepipe_core spikepipe_workloads spikepipe_models spikepipe_platform
  EXPORT SpikePipeSCTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(_dir core workloads models platform)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_dir}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()

# Presets: the installed program finds them relative to itself (SPIKEPIPE_BIN_TO_DATA).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/workloads/networks/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/spikepipe/networks FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/platform/configs/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/spikepipe/configs FILES_MATCHING PATTERN "*.cfg")

install(EXPORT SpikePipeSCTargets
  NAMESPACE spikepipe::
  FILE SpikePipeSCTargets.cmake
  DESTINATION ${SPIKEPIPE_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/SpikePipeSCConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SpikePipeSCConfig.cmake
  INSTALL_DESTINATION ${SPIKEPIPE_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/SpikePipeSCConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/SpikePipeSCConfig.cmake
  ${PROJECT_BINARY_DIR}/SpikePipeSCConfigVersion.cmake
  DESTINATION ${SPIKEPIPE_CMAKE_DIR})
