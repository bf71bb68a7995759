// A request body that stays in memory up to a threshold and moves to an unlinked temporary file past it.
// The file descriptor is kept and truncated between requests, so a connection creates at most one file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/unique_fd.hpp"
#include "gateway/http/request.hpp"

namespace deployctl::gateway::http {

// Bytes of request bodies in temporary files, shared by the parsers of one worker (--worker-spill-limit): past
// `limit` a body that would spill more is refused, so no client fills the disk.
struct SpillBudget {
  std::uint64_t limit = 0;  // 0: none
  std::uint64_t used = 0;
};

class BodyBuffer {
 public:
  BodyBuffer(std::size_t in_memory_limit, std::string spill_directory, SpillBudget* budget = nullptr)
      : in_memory_limit_(in_memory_limit), spill_directory_(std::move(spill_directory)), budget_(budget) {}
  ~BodyBuffer();
  BodyBuffer(const BodyBuffer&) = delete;
  BodyBuffer& operator=(const BodyBuffer&) = delete;

  // Appends body bytes; false when the temporary file could not be created or written (disk full, no
  // writable spill directory: the caller refuses the request with 500) or the spill budget is used up
  // (over_budget(): 503).
  bool append(std::string_view bytes);
  bool over_budget() const noexcept { return over_budget_; }
  // Empties the body for the next request (keeps the file, and the memory up to 64 KiB).
  void clear() noexcept;
  std::uint64_t size() const noexcept { return size_; }
  // Heap bytes held (the in-memory part's capacity).
  std::size_t memory_held() const noexcept { return memory_.capacity(); }
  // The body as the request shows it; views valid until the next append() or clear().
  Body view() const noexcept;

 private:
  bool spill();
  bool charge(std::uint64_t bytes);
  void refund() noexcept;
  std::size_t in_memory_limit_;
  std::string spill_directory_;
  SpillBudget* budget_;
  bool over_budget_ = false;
  std::string memory_;
  UniqueFd fd_;
  bool in_file_ = false;
  std::uint64_t size_ = 0;
};

}  // namespace deployctl::gateway::http
