// At --worker-connections a new client takes the place of the connection that matters least; past
// --worker-request-memory the connections holding the most request bytes are refused (share/docs/serve-limits.md).
#include "gateway/server/worker_loop.hpp"

#include <sys/socket.h>

#include <string>

#include "gateway/http/response_head.hpp"
#include "gateway/server/error_log.hpp"

namespace deployctl::gateway::server::worker_loop {

// The connection a new client may replace at --worker-connections, as nginx reuses idle keep-alive connections:
// one already closing, else the idle one quiet for longest, else the unfinished request that sent nothing for
// longest (a slowloris or one-byte flood loses its oldest connections first; a client that is sending does not).
// Connections being answered are never chosen.
Connection* Worker::least_needed_connection() {
  Connection* idle = nullptr;
  Connection* unfinished = nullptr;
  for (const auto& slot : connections_) {
    if (!slot || slot->in_pool || slot->in_app || slot->waiting_to_write || slot->flush_pending) continue;
    Connection& candidate = *slot;
    if (candidate.lingering_until_ms != 0) return &candidate;
    // A new connection whose first bytes are not read yet counts as unfinished: it is a client arriving.
    const bool waiting = candidate.parser.head_in_progress() || candidate.parser.body_in_progress();
    Connection*& best = waiting || !candidate.answered_once ? unfinished : idle;
    if (best == nullptr || candidate.last_activity_ms < best->last_activity_ms) best = &candidate;
  }
  return idle != nullptr ? idle : unfinished;
}

void Worker::make_room(Connection& connection) {
  if (connection.lingering_until_ms == 0) {
    if (connection.parser.head_in_progress() || connection.parser.body_in_progress()) {
      log_debug("at --worker-connections: dropping the unfinished request that sent nothing for longest");
      const auto index = static_cast<std::size_t>(connection.fd.get());
      reject(connection, 408);
      if (!still_open(index, &connection)) return;
    } else {
      ::shutdown(connection.fd.get(), SHUT_WR);  // idle, or nothing sent yet: it ends cleanly, as at --keep-alive
    }
  }
  close_connection(connection);
}

bool Worker::still_open(std::size_t index, const Connection* connection) const {
  return index < connections_.size() && connections_[index].get() == connection;
}

// The worker's memory for requests still arriving, kept by connection: after bytes arrive, and after a request.
void Worker::charge_memory(Connection& connection) {
  const std::size_t held = connection.parser.memory_held();
  request_memory_ = request_memory_ - connection.memory_charged + held;
  connection.memory_charged = held;
  if (request_memory_ > options_.worker_request_memory) enforce_memory_budget();
}

// Past --worker-request-memory the connections holding the most are refused until the total fits again: a flood
// of large unfinished heads or bodies loses its biggest members, a client with a small request is not touched.
// The refused connection's parser is replaced at once, so its memory is free even while the error response waits
// for the client to read it.
void Worker::enforce_memory_budget() {
  while (request_memory_ > options_.worker_request_memory) {
    Connection* largest = nullptr;
    for (const auto& slot : connections_) {
      if (!slot || slot->in_pool || slot->in_app) continue;
      if (largest == nullptr || slot->memory_charged > largest->memory_charged) largest = slot.get();
    }
    if (largest == nullptr || largest->memory_charged == 0) return;
    Connection& connection = *largest;
    const int status = connection.parser.head_in_progress() ? 431 : connection.parser.body_in_progress() ? 413 : 0;
    if (status != 0) log_rejection(connection, status);
    log_debug("over --worker-request-memory: refusing the connection holding the most request memory");
    connection.parser = http::RequestParser(limits_);
    request_memory_ -= connection.memory_charged;
    connection.memory_charged = 0;
    if (status == 0 || connection.waiting_to_write) {
      close_connection(connection);
      continue;
    }
    http::append_error_response(connection.out, status);  // after any response answered before on it
    connection.close_after_flush = true;
    flush(connection);
  }
}

}  // namespace deployctl::gateway::server::worker_loop
