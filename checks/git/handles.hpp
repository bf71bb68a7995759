// Owning handles for libgit2 objects, so that every early return frees what it opened. Only checks/git/
// includes <git2.h>; nothing outside sees libgit2.
#pragma once

#include "checks/git/libgit2_api.hpp"

#include <memory>
#include <string>

namespace deployctl::checks::git {

// libgit2's message for the last failed call on this thread, for error texts.
std::string last_error_message();

template <typename T, auto Libgit2::*Free>
struct Deleter {
  void operator()(T* object) const { (libgit2().*Free)(object); }
};

using RepositoryPtr = std::unique_ptr<git_repository, Deleter<git_repository, &Libgit2::repository_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, &Libgit2::commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, &Libgit2::tree_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, &Libgit2::blob_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, &Libgit2::object_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk, &Libgit2::revwalk_free>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<git_index, &Libgit2::index_free>>;

// An object id as a map key (git_oid is 20 bytes, no padding).
std::string oid_key(const git_oid& oid);

// The abbreviated id people recognise, e.g. "a1b2c3d".
std::string short_id(const git_oid& oid);

}  // namespace deployctl::checks::git
