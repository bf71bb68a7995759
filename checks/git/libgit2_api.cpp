// Finds libgit2's functions in the shared library named at build time (DEPLOYCTL_LIBGIT2_SONAME), and keeps
// its initialisation from parsing the system CA bundle and starting libssh2, which deployctl never needs.
#include "checks/git/libgit2_api.hpp"

#include <dlfcn.h>

#include <atomic>
#include <string>

namespace {

// True only while git_libgit2_init runs in load_once().
std::atomic<bool> libgit2_initialising{false};

}  // namespace

// Debian's libgit2 is built with mbedTLS and, in git_libgit2_init, parses /etc/ssl/certs/ca-certificates.crt
// (about 54 M instructions, more than the whole settings analysis) for HTTPS remotes that deployctl never
// contacts. The executable exports this definition (cmake/deployctl.dynamic-list), so it comes first when
// libgit2's call is bound: during that one call it loads nothing, which leaves libgit2 without trusted roots
// (any TLS use would fail verification, i.e. fail closed); every other caller gets mbedTLS's own function.
extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path) {
  using ParseFile = int (*)(void*, const char*);
  if (libgit2_initialising.load()) return 0;
  static const ParseFile real = [] {
    void* mbedx509 = ::dlopen("libmbedx509.so.1", RTLD_LAZY | RTLD_NOLOAD);
    return mbedx509 ? reinterpret_cast<ParseFile>(::dlsym(mbedx509, "mbedtls_x509_crt_parse_file")) : nullptr;
  }();
  constexpr int file_io_error = -0x2900;  // MBEDTLS_ERR_X509_FILE_IO_ERROR
  return real ? real(chain, path) : file_io_error;
}

// git_libgit2_init also starts libssh2 for SSH remotes, and libssh2_init starts OpenSSL's libcrypto (about 1 M
// instructions, and libcrypto's pages faulted in) that deployctl never uses. Exported like the definition above:
// during that one call it does nothing; libssh2 starts itself on its first session (libssh2_session_init_ex calls
// libssh2_init when nothing did), and every other caller gets libssh2's own function.
extern "C" int libssh2_init(int flags) {
  using Init = int (*)(int);
  if (libgit2_initialising.load()) return 0;
  static const Init real = [] {
    void* libssh2 = ::dlopen("libssh2.so.1", RTLD_LAZY | RTLD_NOLOAD);
    return libssh2 ? reinterpret_cast<Init>(::dlsym(libssh2, "libssh2_init")) : nullptr;
  }();
  constexpr int init_failed = -1;
  return real ? real(flags) : init_failed;
}

namespace deployctl::checks::git {

namespace {

Libgit2 loaded_api;

Result<const Libgit2*> load_once() {
  void* library = ::dlopen(DEPLOYCTL_LIBGIT2_SONAME, RTLD_LAZY | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = ::dlerror();
    return fail(std::string("cannot load ") + DEPLOYCTL_LIBGIT2_SONAME +
                " for the repository checks: " + (reason ? reason : "unknown reason") +
                "; install Debian's libgit2-1.5 package, or pass --no-git to skip the repository checks");
  }
  std::string missing;
#define DEPLOYCTL_LIBGIT2_RESOLVE(name)                                                          \
  loaded_api.name = reinterpret_cast<decltype(loaded_api.name)>(::dlsym(library, "git_" #name)); \
  if (loaded_api.name == nullptr) missing += (missing.empty() ? "git_" : ", git_") + std::string(#name);
  DEPLOYCTL_LIBGIT2_FUNCTIONS(DEPLOYCTL_LIBGIT2_RESOLVE)
#undef DEPLOYCTL_LIBGIT2_RESOLVE
  if (!missing.empty())
    return fail(std::string(DEPLOYCTL_LIBGIT2_SONAME) + " lacks " + missing +
                "; install the libgit2 this deployctl was built with, or pass --no-git");
  libgit2_initialising.store(true);
  const int initialised = loaded_api.libgit2_init();
  libgit2_initialising.store(false);
  if (initialised < 0) return fail("libgit2 failed to initialise; pass --no-git to skip the repository checks");
  return &loaded_api;
}

}  // namespace

Result<const Libgit2*> load_libgit2() {
  static const Result<const Libgit2*> loaded = load_once();
  return loaded;
}

const Libgit2& libgit2() { return loaded_api; }

}  // namespace deployctl::checks::git
