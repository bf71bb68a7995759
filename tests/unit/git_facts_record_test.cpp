// The look at a repository's files without libgit2 (HEAD through loose and packed refs, a detached HEAD, a .git
// file, what it refuses to read) and the facts record: a run with nothing changed takes the last full scan's facts
// without libgit2, and they are the full scan's; every input that changes brings the full scan back.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "checks/check_project.hpp"
#include "checks/git/repository_checks.hpp"
#include "checks/git/repository_look.hpp"
#include "core/files.hpp"
#include "git_support.hpp"

using namespace deployctl;
using namespace deployctl::checks;

namespace {

constexpr std::time_t day_one = 1795176000;  // 2026-11-20 12:00:00 UTC
const std::string committed_key = "x7#k2!p9q@w4e$r8t%y1u^i6o&p3a*s5d(f0g)h-j=k+l_z;cv";

std::filesystem::path real_path(const std::filesystem::path& path) { return std::filesystem::weakly_canonical(path); }

std::optional<git::RepositoryLook> look_at(const std::filesystem::path& dir) {
  return git::look_at_repository(real_path(dir));
}

// The branch HEAD names ("refs/heads/master" or whatever the init default is).
std::string head_ref(const testing::GitProject& project) {
  const std::string head = *read_text_file(project.root() / ".git/HEAD");
  REQUIRE(head.starts_with("ref: "));
  return head.substr(5, head.find('\n') - 5);
}

void append(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary | std::ios::app) << text;
}

// Every finding of a default run with the repository checks on, as one comparable line each.
std::vector<std::string> findings_of(const std::filesystem::path& dir) {
  CheckOptions options;
  options.project_dir = dir;
  options.repository_checks = true;
  auto result = check_project(options);
  REQUIRE_MESSAGE(result.has_value(), result.error().message);
  std::vector<std::string> lines;
  for (const Finding& finding : result->findings)
    lines.push_back(finding.rule + " " + finding.where.file + ":" + std::to_string(finding.where.line) + " " +
                    finding.message);
  return lines;
}

bool recorded(const std::filesystem::path& dir) { return git::RepositoryScan::look(dir, {}).complete(); }

}  // namespace

TEST_SUITE("git_facts_record") {
  TEST_CASE("repository look: HEAD through a loose ref, packed-refs and a detached id - each the commit it names") {
    testing::GitProject project;
    project.put("mysite/settings.py", "DEBUG = False\n");
    const std::string id = project.commit("start", day_one);
    auto look = look_at(project.root());
    REQUIRE(look.has_value());
    CHECK(look->head == id);
    CHECK(look->git_dir == real_path(project.root() / ".git"));

    const std::string ref = head_ref(project);
    std::filesystem::remove(project.root() / ".git" / ref);
    project.write(".git/packed-refs", "# pack-refs with: peeled fully-peeled sorted\n" + id + " " + ref + "\n");
    look = look_at(project.root());
    REQUIRE(look.has_value());
    CHECK(look->head == id);

    project.write(".git/HEAD", id + "\n");
    look = look_at(project.root());
    REQUIRE(look.has_value());
    CHECK(look->head == id);

    project.write(".git/HEAD", "ref: refs/remotes/origin/main\n");  // not a branch or tag: libgit2 decides
    CHECK_FALSE(look_at(project.root()).has_value());
  }

  TEST_CASE("repository look: a .git file names the repository - config includes and unborn branches give none") {
    testing::GitProject project;
    project.put("mysite/settings.py", "DEBUG = False\n");
    const std::string id = project.commit("start", day_one);
    testing::TempDir linked;
    linked.write(".git", "gitdir: " + (project.root() / ".git").string() + "\n");
    auto look = look_at(linked.root());
    REQUIRE(look.has_value());
    CHECK(look->head == id);
    CHECK(look->git_dir == real_path(project.root() / ".git"));

    append(project.root() / ".git/config", "[include]\n\tpath = ../other.gitconfig\n");
    CHECK_FALSE(look_at(project.root()).has_value());

    testing::GitProject unborn;
    CHECK_FALSE(look_at(unborn.root()).has_value());
  }

  TEST_CASE("repository look: the excludes file a config names is read - in a form it cannot expand, no look") {
    testing::GitProject project;
    project.put("mysite/settings.py", "DEBUG = False\n");
    project.commit("start", day_one);
    append(project.root() / ".git/config", "[core]\n\texcludesFile = " + project.path("my-ignores") + "\n");
    auto look = look_at(project.root());
    REQUIRE(look.has_value());
    CHECK(std::ranges::find(look->excludes_files, project.root() / "my-ignores") != look->excludes_files.end());
    const std::string before = git::ignore_state(*look, real_path(project.root()), {});
    project.write("my-ignores", "*.log\n");
    CHECK(git::ignore_state(*look, real_path(project.root()), {}) != before);

    append(project.root() / ".git/config", "[core]\n\texcludesFile = \"quoted path\"\n");
    CHECK_FALSE(look_at(project.root()).has_value());
  }

  TEST_CASE("facts record: nothing changed gives the full scan's facts without libgit2 - each change a full scan") {
    testing::CacheHome home;
    testing::GitProject project;
    project.write(".gitignore", "*.pyc\n");
    project.django("import os\nDEBUG = False\nMEDIA_ROOT = 'media'\nSECRET_KEY = '" + committed_key + "'\n");
    for (const char* file : {".gitignore", "manage.py", "mysite/__init__.py", "mysite/settings.py"})
      project.stage(file);
    project.commit("key", day_one + 60);
    project.put("mysite/settings.py", "import os\nDEBUG = False\nMEDIA_ROOT = 'media'\n");
    project.commit("key gone", day_one + 120);

    CHECK_FALSE(recorded(project.root()));
    const std::vector<std::string> full = findings_of(project.root());
    CHECK(std::ranges::any_of(full, [](const std::string& f) { return f.starts_with("GIT002 "); }));
    CHECK(std::ranges::any_of(full, [](const std::string& f) { return f.starts_with("GIT003 "); }));
    REQUIRE(recorded(project.root()));
    CHECK(findings_of(project.root()) == full);

    // The working tree's .gitignore: the repository's part stays recorded, GIT003's is probed again.
    project.write(".gitignore", "*.pyc\nmedia/\n");
    CHECK(recorded(project.root()));
    const std::vector<std::string> ignored = findings_of(project.root());
    CHECK(std::ranges::none_of(ignored, [](const std::string& f) { return f.starts_with("GIT003 "); }));
    CHECK(findings_of(project.root()) == ignored);

    // A staged file changes the index; a commit changes HEAD.
    project.put(".env", "DJANGO_SECRET_KEY=Zr8-k2Lq-9vXw-tq4\n");
    CHECK_FALSE(recorded(project.root()));
    const std::vector<std::string> staged = findings_of(project.root());
    CHECK(std::ranges::any_of(staged, [](const std::string& f) { return f.starts_with("GIT001 .env"); }));
    CHECK(recorded(project.root()));
    project.commit("env file", day_one + 180);
    CHECK_FALSE(recorded(project.root()));
    CHECK(findings_of(project.root()) == staged);
    CHECK(recorded(project.root()));

    // The working tree's copy of a settings file: read on every run, recorded or not.
    project.write("mysite/settings.py",
                  "import os\nDEBUG = False\nMEDIA_ROOT = 'media'\nSECRET_KEY = '" + committed_key + "'\n");
    CHECK(recorded(project.root()));
    CHECK(std::ranges::none_of(findings_of(project.root()),
                               [](const std::string& f) { return f.starts_with("GIT002 "); }));
  }
}
