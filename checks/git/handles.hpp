// Owning handles for libgit2 objects and the library's one-time initialisation, so that every early return
// frees what it opened. Only checks/git/ includes <git2.h>; nothing outside sees libgit2.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

namespace deployctl::checks::git {

// Initialises libgit2 once per process (it is never shut down: the process ends first).
void ensure_libgit2();

// libgit2's message for the last failed call on this thread, for error texts.
std::string last_error_message();

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* object) const { Free(object); }
};

using RepositoryPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<git_index, git_index_free>>;

// An object id as a map key (git_oid is 20 bytes, no padding).
std::string oid_key(const git_oid& oid);

// The abbreviated id people recognise, e.g. "a1b2c3d".
std::string short_id(const git_oid& oid);

}  // namespace deployctl::checks::git
