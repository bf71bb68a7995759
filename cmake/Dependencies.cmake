# Third-party libraries, all from Debian 12 packages installed by scripts/install-deps.
find_package(CLI11 REQUIRED CONFIG)
find_package(nlohmann_json 3.11 REQUIRED CONFIG)
find_package(tomlplusplus 3 REQUIRED CONFIG)
find_package(doctest REQUIRED CONFIG)

# Debian's CPython 3.11, never an interpreter that happens to be first on PATH (pyenv and the like):
# the embedded parser and the Django oracle in the tests must be the same /usr/bin/python3.
set(Python3_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "Debian's python3 (has Django and libpython3.11)")
set(Python3_FIND_STRATEGY LOCATION)
set(Python3_FIND_VIRTUALENV STANDARD)
find_package(Python3 3.11 EXACT REQUIRED COMPONENTS Interpreter Development.Embed)
if(NOT Python3_EXECUTABLE STREQUAL "/usr/bin/python3")
  message(FATAL_ERROR "deployctl builds against Debian's /usr/bin/python3, found ${Python3_EXECUTABLE}")
endif()

# libgit2 (repository checks and history scanning of `deployctl check`): Debian ships a pkg-config file only.
find_package(PkgConfig REQUIRED)
pkg_check_modules(libgit2 REQUIRED IMPORTED_TARGET libgit2>=1.5)

# kainjow mustache (the templates of `deployctl render`): one header, /usr/include/kainjow/mustache.hpp.
find_path(DEPLOYCTL_MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp REQUIRED)

# llhttp (the HTTP/1.1 parser of `deployctl serve`): Debian's node-llhttp ships the C sources, not a library,
# so they are compiled in here, without our warning flags (they are not our code).
set(DEPLOYCTL_LLHTTP_SOURCE_DIR /usr/share/llhttp CACHE PATH "llhttp's C sources (Debian package node-llhttp)")
set(DEPLOYCTL_LLHTTP_INCLUDE_DIR /usr/share/include/llhttp CACHE PATH "llhttp.h (Debian package node-llhttp)")
if(NOT EXISTS ${DEPLOYCTL_LLHTTP_SOURCE_DIR}/llhttp.c OR NOT EXISTS ${DEPLOYCTL_LLHTTP_INCLUDE_DIR}/llhttp.h)
  message(FATAL_ERROR "llhttp sources not found: run scripts/install-deps (installs node-llhttp)")
endif()
add_library(llhttp STATIC
  ${DEPLOYCTL_LLHTTP_SOURCE_DIR}/api.c ${DEPLOYCTL_LLHTTP_SOURCE_DIR}/http.c ${DEPLOYCTL_LLHTTP_SOURCE_DIR}/llhttp.c)
target_include_directories(llhttp SYSTEM PUBLIC ${DEPLOYCTL_LLHTTP_INCLUDE_DIR})
target_link_libraries(llhttp PRIVATE deployctl_sanitizers)
set_target_properties(llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON)
