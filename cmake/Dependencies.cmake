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
# CPython linked statically, as Debian links /usr/bin/python3 itself: its non-PIC libpython3.11.a runs Python code
# in about 12% fewer instructions than libpython3.11.so, whose every internal call and global goes through the
# PLT/GOT. That is the app's code in `deployctl serve` (bench/RESULTS.md). The executable is then not PIE (neither
# is /usr/bin/python3) and exports the C API for the extension modules Python loads (lib-dynload, _sqlite3, ...).
# Sanitizer and fuzz builds keep libpython3.11.so: what they instrument is our code, and they are not shipped.
if(DEPLOYCTL_SANITIZE OR DEPLOYCTL_FUZZ)
  set(deployctl_static_python_default OFF)
else()
  set(deployctl_static_python_default ON)
endif()
option(DEPLOYCTL_STATIC_PYTHON "link CPython statically (faster app code under deployctl serve)"
  ${deployctl_static_python_default})
set(Python3_USE_STATIC_LIBS ${DEPLOYCTL_STATIC_PYTHON})
find_package(Python3 3.11 EXACT REQUIRED COMPONENTS Interpreter Development.Embed)
if(NOT Python3_EXECUTABLE STREQUAL "/usr/bin/python3")
  message(FATAL_ERROR "deployctl builds against Debian's /usr/bin/python3, found ${Python3_EXECUTABLE}")
endif()
if(DEPLOYCTL_STATIC_PYTHON)
  # Every member, not only those deployctl calls: extension modules need the whole C API.
  file(WRITE ${CMAKE_BINARY_DIR}/python-exports.list "{ Py*; _Py*; };\n")
  set_property(TARGET Python3::Python APPEND PROPERTY INTERFACE_LINK_OPTIONS -no-pie
    "LINKER:--whole-archive,${Python3_LIBRARIES},--no-whole-archive"
    "LINKER:--dynamic-list=${CMAKE_BINARY_DIR}/python-exports.list")
  set_property(TARGET Python3::Python APPEND PROPERTY INTERFACE_LINK_LIBRARIES expat z m)
endif()

# libgit2 (repository checks and history scanning of `deployctl check`): Debian ships a pkg-config file only.
find_package(PkgConfig REQUIRED)
pkg_check_modules(libgit2 REQUIRED IMPORTED_TARGET libgit2>=1.5)
# deployctl loads it with dlopen when a repository is opened (checks/git/libgit2_api.cpp), so it needs the
# library's SONAME rather than a link: linking would load it and its TLS/Kerberos chain on every run.
find_library(DEPLOYCTL_LIBGIT2_LIBRARY NAMES git2 HINTS ${libgit2_LIBRARY_DIRS} REQUIRED)
execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${DEPLOYCTL_LIBGIT2_LIBRARY} OUTPUT_VARIABLE deployctl_libgit2_headers
  COMMAND_ERROR_IS_FATAL ANY)
string(REGEX MATCH "SONAME +([^ \n]+)" deployctl_libgit2_soname_line "${deployctl_libgit2_headers}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "cannot read the SONAME of ${DEPLOYCTL_LIBGIT2_LIBRARY}")
endif()
set(DEPLOYCTL_LIBGIT2_SONAME ${CMAKE_MATCH_1} CACHE INTERNAL "libgit2's SONAME, for dlopen")

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
