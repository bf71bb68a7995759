# ASan+UBSan for the sanitizer build of the test suite (make test-sanitize); recover nothing, so a report fails the test.
add_library(deployctl_sanitizers INTERFACE)
if(DEPLOYCTL_SANITIZE)
  target_compile_options(deployctl_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(deployctl_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
