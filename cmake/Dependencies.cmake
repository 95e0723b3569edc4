# Every dependency is a Debian package; scripts/setup.sh installs them.
find_package(PkgConfig REQUIRED)
# libsystemc-dev ships no CMake package, only systemc.pc.
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc>=2.3.3)
if(NOT TARGET SystemC::systemc)
  add_library(SystemC::systemc ALIAS PkgConfig::SYSTEMC)
endif()
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(yaml-cpp REQUIRED)
# NIR network files are HDF5: Debian's libhdf5-dev ships hdf5.pc (FindHDF5 would need the C
# language enabled, which the project does not).
pkg_check_modules(HDF5 REQUIRED IMPORTED_TARGET hdf5)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Threads REQUIRED)
# The training engine (train/, docs/TRAINING.md): Eigen for its matrix products (libeigen3-dev),
# zlib to read the gzip-compressed IDX files (zlib1g-dev), OpenMP (part of GCC) optional, for
# Eigen's threads.
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(ZLIB REQUIRED)
find_package(OpenMP COMPONENTS CXX)
if(SPIKEPIPE_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(SPIKEPIPE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
