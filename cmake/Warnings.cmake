# Strict warnings for project code only (not for third-party headers, which are SYSTEM includes).
function(spikepipe_warnings target)
  # -Wshadow=local is gcc's; clang's nearest is -Wshadow-uncaptured-local.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
    $<IF:$<CXX_COMPILER_ID:GNU>,-Wshadow=local,-Wshadow-uncaptured-local>)
  if(SPIKEPIPE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# A library per top-level folder: sources in src/, public headers in include/spikepipe/<folder>/.
function(spikepipe_library name)
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
  add_library(spikepipe_${name} STATIC ${_srcs})
  add_library(spikepipe::${name} ALIAS spikepipe_${name})
  target_include_directories(spikepipe_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  # Installed and exported as spikepipe::<name> (cmake/Install.cmake).
  set_target_properties(spikepipe_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON EXPORT_NAME ${name})
  spikepipe_warnings(spikepipe_${name})
endfunction()

# For the libraries that look up shipped presets: where an installed copy of them is, relative to
# the installed program (<bindir>/SPIKEPIPE_BIN_TO_DATA/{networks,configs}) and absolute.
function(spikepipe_data_dirs target)
  file(RELATIVE_PATH _bin_to_data "/p/${CMAKE_INSTALL_BINDIR}" "/p/${CMAKE_INSTALL_DATADIR}/spikepipe")
  target_compile_definitions(${target} PRIVATE
    SPIKEPIPE_BIN_TO_DATA="${_bin_to_data}"
    SPIKEPIPE_INSTALL_DATA_DIR="${CMAKE_INSTALL_FULL_DATADIR}/spikepipe")
endfunction()
