// Builds throwaway git repositories for the repository-check tests with libgit2 itself (no git CLI): files are
// written into the working tree, staged and committed with a fixed author and date.
#pragma once

#include <doctest/doctest.h>
#include <git2.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "cli_support.hpp"

namespace deployctl::testing {

// The cache directory of one test: XDG_CACHE_HOME pointed into a temp dir for the test's duration.
struct CacheHome {
  TempDir dir;
  std::string saved;
  bool had = false;
  CacheHome() {
    if (const char* value = std::getenv("XDG_CACHE_HOME")) {
      saved = value;
      had = true;
    }
    ::setenv("XDG_CACHE_HOME", dir.root().c_str(), 1);
  }
  ~CacheHome() {
    if (had)
      ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
    else
      ::unsetenv("XDG_CACHE_HOME");
  }
};

class GitProject : public TempDir {
 public:
  GitProject() {
    git_libgit2_init();
    REQUIRE(git_repository_init(&repository_, root().c_str(), 0) == 0);
  }
  ~GitProject() {
    git_repository_free(repository_);
    git_libgit2_shutdown();
  }

  // Stages `relative` (written with write() before) or, if it no longer exists, its removal.
  void stage(const std::string& relative) {
    git_index* index = nullptr;
    REQUIRE(git_repository_index(&index, repository_) == 0);
    if (std::filesystem::exists(root() / relative))
      REQUIRE(git_index_add_bypath(index, relative.c_str()) == 0);
    else
      REQUIRE(git_index_remove_bypath(index, relative.c_str()) == 0);
    REQUIRE(git_index_write(index) == 0);
    git_index_free(index);
  }

  const GitProject& put(const std::string& relative, const std::string& content) {
    write(relative, content);
    stage(relative);
    return *this;
  }

  // Commits the index on HEAD; returns the commit's full id. `when` is seconds since the epoch (UTC).
  std::string commit(const std::string& message, std::time_t when) {
    git_index* index = nullptr;
    REQUIRE(git_repository_index(&index, repository_) == 0);
    git_oid tree_id;
    REQUIRE(git_index_write_tree(&tree_id, index) == 0);
    git_index_free(index);
    git_tree* tree = nullptr;
    REQUIRE(git_tree_lookup(&tree, repository_, &tree_id) == 0);
    git_signature* author = nullptr;
    REQUIRE(git_signature_new(&author, "Test", "test@example.com", when, 0) == 0);
    git_commit* parent = nullptr;
    git_oid head;
    const bool has_parent = git_reference_name_to_id(&head, repository_, "HEAD") == 0;
    if (has_parent) REQUIRE(git_commit_lookup(&parent, repository_, &head) == 0);
    const git_commit* parents[] = {parent};
    git_oid id;
    REQUIRE(git_commit_create(&id, repository_, "HEAD", author, author, nullptr, message.c_str(), tree,
                              has_parent ? 1 : 0, parents) == 0);
    git_commit_free(parent);
    git_signature_free(author);
    git_tree_free(tree);
    char text[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(text, sizeof text, &id);
    return text;
  }

  // Moves the current branch to `commit` (a full id), as `git reset --soft` would: what follows rewrites history.
  void reset_branch(const std::string& commit) {
    git_oid id;
    REQUIRE(git_oid_fromstr(&id, commit.c_str()) == 0);
    git_reference* head = nullptr;
    REQUIRE(git_repository_head(&head, repository_) == 0);
    git_reference* moved = nullptr;
    REQUIRE(git_reference_set_target(&moved, head, &id, "reset") == 0);
    git_reference_free(moved);
    git_reference_free(head);
  }

 private:
  git_repository* repository_ = nullptr;
};

}  // namespace deployctl::testing
