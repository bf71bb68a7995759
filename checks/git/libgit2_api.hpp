// libgit2, loaded with dlopen the first time a repository is opened. Linking it would load it and its TLS and
// Kerberos dependency chain into every run of the binary (about 9 ms before main), repository checks or not.
#pragma once

#include <git2.h>

#include "core/error.hpp"

namespace deployctl::checks::git {

// Every libgit2 function checks/git calls; add one here before calling it.
// A list, one group of calls per line, that clang-format would re-flow differently on each run.
// clang-format off
#define DEPLOYCTL_LIBGIT2_FUNCTIONS(X) \
  X(libgit2_init) X(error_last) X(repository_open_ext) X(repository_workdir) X(repository_head) \
  X(repository_index) X(repository_free) X(revparse_single) X(object_peel) X(object_free) \
  X(reference_free) X(commit_lookup) X(commit_tree) X(commit_id) X(commit_time) \
  X(commit_free) X(tree_lookup) X(tree_entrycount) X(tree_entry_byindex) X(tree_entry_bypath) \
  X(tree_entry_name) X(tree_entry_id) X(tree_entry_type) X(tree_entry_free) X(tree_free) \
  X(blob_lookup) X(blob_rawcontent) X(blob_rawsize) X(blob_is_binary) X(blob_free) \
  X(revwalk_new) X(revwalk_push) X(revwalk_next) X(revwalk_sorting) X(revwalk_free) \
  X(oid_tostr) X(oid_equal) X(odb_hashfile) X(index_entrycount) X(index_get_byindex) \
  X(index_free) X(ignore_path_is_ignored) X(repository_path) X(revwalk_hide) X(graph_descendant_of)
// clang-format on

// The functions, named without their git_ prefix: libgit2().repository_open_ext(...).
struct Libgit2 {
#define DEPLOYCTL_LIBGIT2_POINTER(name) decltype(&::git_##name) name = nullptr;
  DEPLOYCTL_LIBGIT2_FUNCTIONS(DEPLOYCTL_LIBGIT2_POINTER)
#undef DEPLOYCTL_LIBGIT2_POINTER
};

// Loads and initialises libgit2 once per process (never unloaded: the process ends first). The error says
// which library could not be loaded and how to go on without it.
Result<const Libgit2*> load_libgit2();

// The loaded library; only valid after load_libgit2() succeeded (every entry point opens a repository first).
const Libgit2& libgit2();

}  // namespace deployctl::checks::git
