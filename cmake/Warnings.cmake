# Strict warnings for project code only (not for third-party headers, which are SYSTEM includes).
function(spikepipe_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local)
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
  set_target_properties(spikepipe_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  spikepipe_warnings(spikepipe_${name})
endfunction()
