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
