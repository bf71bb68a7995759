// libgit2's initialisation and error text, shared by the repository checks, the history scan and --new-since.
#include "checks/git/handles.hpp"

namespace deployctl::checks::git {

void ensure_libgit2() {
  static const int initialised = git_libgit2_init();
  (void)initialised;
}

std::string last_error_message() {
  const git_error* error = git_error_last();
  return error && error->message ? std::string(error->message) : std::string("unknown libgit2 error");
}

std::string oid_key(const git_oid& oid) {
  return std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
}

std::string short_id(const git_oid& oid) {
  char text[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(text, sizeof text, &oid);
  return std::string(text, 7);
}

}  // namespace deployctl::checks::git
