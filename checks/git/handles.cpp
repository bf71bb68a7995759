// libgit2's error text and object ids as text, shared by the repository checks, the history scan and --new-since.
#include "checks/git/handles.hpp"

namespace deployctl::checks::git {

std::string last_error_message() {
  const git_error* error = libgit2().error_last();
  return error && error->message ? std::string(error->message) : std::string("unknown libgit2 error");
}

std::string oid_key(const git_oid& oid) { return std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ); }

std::string short_id(const git_oid& oid) {
  char text[GIT_OID_HEXSZ + 1] = {};
  libgit2().oid_tostr(text, sizeof text, &oid);
  return std::string(text, 7);
}

}  // namespace deployctl::checks::git
