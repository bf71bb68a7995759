# Warning flags shared by every target of ours; third-party headers are included as SYSTEM so they stay quiet.
# No -Wnull-dereference: at -O2 it reports false positives inside libstdc++ 12 (basic_string.h).
add_library(deployctl_warnings INTERFACE)
target_compile_options(deployctl_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(DEPLOYCTL_WERROR)
  target_compile_options(deployctl_warnings INTERFACE -Werror)
endif()
