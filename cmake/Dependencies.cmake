# Third-party libraries, all from Debian 12 packages installed by scripts/install-deps.
find_package(CLI11 REQUIRED CONFIG)
find_package(nlohmann_json 3.11 REQUIRED CONFIG)
find_package(tomlplusplus 3 REQUIRED CONFIG)
# toml++ compiled into core/config.cpp (header-only mode) instead of linking libtomlplusplus.so: the shared library
# drags libstdc++.so into every run, and the loader's relocations of both cost more than the one file it parses.
add_library(deployctl_toml INTERFACE)
get_target_property(deployctl_toml_include_dirs tomlplusplus::tomlplusplus INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(deployctl_toml SYSTEM INTERFACE ${deployctl_toml_include_dirs})
target_compile_definitions(deployctl_toml INTERFACE TOML_HEADER_ONLY=1)
find_package(doctest REQUIRED CONFIG)

# Debian's CPython 3.11, never an interpreter that happens to be first on PATH (pyenv and the like):
# the embedded parser and the Django oracle in the tests must be the same /usr/bin/python3.
set(Python3_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "Debian's python3 (has Django and libpython3.11)")
set(Python3_FIND_STRATEGY LOCATION)
set(Python3_FIND_VIRTUALENV STANDARD)
# CPython is always linked statically, for two reasons. checks/python/parser.cpp reads the parser's C-level tree
# through CPython's internal API (_PyParser_ASTFromString), which libpython3.11.so does not export; going through
# ast.AST objects instead cost every `deployctl check` run the _ast module's ~120 classes. And Debian links
# /usr/bin/python3 the same way: its non-PIC libpython3.11.a runs Python code in about 12% fewer instructions than
# libpython3.11.so, whose every internal call and global goes through the PLT/GOT, and that is the app's code under
# `deployctl serve` (bench/RESULTS.md). The executable is then not PIE (neither is /usr/bin/python3). Sanitizer and
# fuzz builds take Debian's libpython3.11-pic.a instead and stay PIE: what they instrument is our code.
# Either way the executable exports the C API to the extension modules Python loads (lib-dynload, _sqlite3, ...).
if(DEPLOYCTL_SANITIZE OR DEPLOYCTL_FUZZ)
  set(deployctl_pie_default ON)
else()
  set(deployctl_pie_default OFF)
endif()
option(DEPLOYCTL_PIE "a position-independent executable, on CPython's -pic archive (a little slower Python)"
  ${deployctl_pie_default})
set(Python3_USE_STATIC_LIBS ON)
find_package(Python3 3.11 EXACT REQUIRED COMPONENTS Interpreter Development.Embed)
if(NOT Python3_EXECUTABLE STREQUAL "/usr/bin/python3")
  message(FATAL_ERROR "deployctl builds against Debian's /usr/bin/python3, found ${Python3_EXECUTABLE}")
endif()
if(DEPLOYCTL_PIE)
  execute_process(COMMAND ${Python3_EXECUTABLE} -c "import sysconfig; print(sysconfig.get_config_var('LIBPL'))"
    OUTPUT_VARIABLE deployctl_python_libpl OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  set(deployctl_python_archive ${deployctl_python_libpl}/libpython3.11-pic.a)
  if(NOT EXISTS ${deployctl_python_archive})
    message(FATAL_ERROR "${deployctl_python_archive} not found: run scripts/install-deps (libpython3.11-dev)")
  endif()
  set(deployctl_python_pie_option)
else()
  set(deployctl_python_archive ${Python3_LIBRARIES})
  set(deployctl_python_pie_option -no-pie)
endif()
# Every member, not only those deployctl calls: extension modules need the whole C API.
file(WRITE ${CMAKE_BINARY_DIR}/python-exports.list "{ Py*; _Py*; };\n")
set_property(TARGET Python3::Python PROPERTY IMPORTED_LOCATION ${deployctl_python_archive})
set_property(TARGET Python3::Python APPEND PROPERTY INTERFACE_LINK_OPTIONS ${deployctl_python_pie_option}
  "LINKER:--whole-archive,${deployctl_python_archive},--no-whole-archive"
  "LINKER:--dynamic-list=${CMAKE_BINARY_DIR}/python-exports.list")
# CPython's own dependencies. Linked in from their archives in the non-PIE build, like the C++ runtime
# (cli/CMakeLists.txt): two shared libraries fewer for the loader to map and relocate on every run.
if(DEPLOYCTL_PIE)
  set_property(TARGET Python3::Python APPEND PROPERTY INTERFACE_LINK_LIBRARIES expat z m)
else()
  find_library(DEPLOYCTL_EXPAT_ARCHIVE NAMES libexpat.a REQUIRED)
  find_library(DEPLOYCTL_ZLIB_ARCHIVE NAMES libz.a REQUIRED)
  set_property(TARGET Python3::Python APPEND PROPERTY INTERFACE_LINK_LIBRARIES
    ${DEPLOYCTL_EXPAT_ARCHIVE} ${DEPLOYCTL_ZLIB_ARCHIVE} m)
endif()

# zlib (permessage-deflate) and nettle (SHA-1 and base64 of the opening handshake) for gateway/websocket, linked like
# CPython's dependencies above: from their archives, or as shared libraries in PIE builds. nettle, not OpenSSL: its
# sha1 and base64 add about 40 KB, while libcrypto.a's SHA1() pulls in OpenSSL's providers (4.4 MB measured) and
# libcrypto.so would be one more shared library for every run to load.
find_path(DEPLOYCTL_ZLIB_INCLUDE_DIR zlib.h REQUIRED)
find_path(DEPLOYCTL_NETTLE_INCLUDE_DIR nettle/sha1.h REQUIRED)
add_library(deployctl_zlib INTERFACE)
add_library(deployctl_nettle INTERFACE)
target_include_directories(deployctl_zlib SYSTEM INTERFACE ${DEPLOYCTL_ZLIB_INCLUDE_DIR})
target_include_directories(deployctl_nettle SYSTEM INTERFACE ${DEPLOYCTL_NETTLE_INCLUDE_DIR})
if(DEPLOYCTL_PIE)
  target_link_libraries(deployctl_zlib INTERFACE z)
  target_link_libraries(deployctl_nettle INTERFACE nettle)
else()
  find_library(DEPLOYCTL_NETTLE_ARCHIVE NAMES libnettle.a REQUIRED)
  target_link_libraries(deployctl_zlib INTERFACE ${DEPLOYCTL_ZLIB_ARCHIVE})
  target_link_libraries(deployctl_nettle INTERFACE ${DEPLOYCTL_NETTLE_ARCHIVE})
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
target_link_libraries(llhttp PRIVATE deployctl_sanitizers deployctl_hardening)
set_target_properties(llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON)
# llhttp stays in its default (lenient) mode: gateway/http's head framer and chunked decoder check what that mode
# leaves unchecked, and strict mode would refuse raw UTF-8 in request targets (ARCHITECTURE.md, gateway/http).
