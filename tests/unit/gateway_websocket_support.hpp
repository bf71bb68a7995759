// Test helper for gateway/websocket: builds client frames (masked, as RFC 6455 requires of clients) and reads a
// byte stream through a MessageReader in slices of a given size, keeping owned copies of every event, so tests can
// check that where the reads split the stream changes nothing.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/websocket/frame_writer.hpp"
#include "gateway/websocket/message_reader.hpp"

namespace deployctl::gateway::websocket::testing {

inline std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// A client frame: the server's encoding of the header with the mask bit and key added, and the payload masked.
// first_byte overrides the first header byte (to set reserved bits or opcodes the writer never writes).
inline std::string client_frame(Opcode opcode, std::string_view payload, bool fin = true, bool rsv1 = false,
                                std::string_view key = "\x37\xfa\x21\x3d") {
  std::string frame;
  append_frame_header(frame, opcode, payload.size(), fin, rsv1);
  frame[1] = static_cast<char>(static_cast<unsigned char>(frame[1]) | 0x80);
  frame.append(key);
  for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  return frame;
}

struct Seen {
  MessageReader::Event event;
  std::string payload;  // message, ping/pong data, or for close: the code as text, a space and the reason
  bool operator==(const Seen&) const = default;
};

struct Outcome {
  std::vector<Seen> events;  // every event but need_more; the last is close or failed when the stream ended so
  Failure failure;
  std::size_t consumed = 0;
  // Where a failure inside a payload is seen depends on how much of it had arrived, so `consumed` is compared
  // only for streams that did not fail.
  bool operator==(const Outcome& other) const {
    return events == other.events && failure.code == other.failure.code &&
           (failure.code != 0 || consumed == other.consumed);
  }
};

// Feeds `stream` in slices of `slice` bytes (0: all at once).
inline Outcome read_stream(std::string stream, const ReaderOptions& options = {}, std::size_t slice = 0) {
  MessageReader reader(options);
  Outcome outcome;
  char* const begin = stream.data();
  char* p = begin;
  char* const end = begin + stream.size();
  char* available = slice == 0 ? end : std::min(end, p + slice);
  while (true) {
    const auto step = reader.read(p, available);
    p = step.next;
    using Event = MessageReader::Event;
    if (step.event == Event::need_more) {
      if (available == end) break;
      available = slice == 0 ? end : std::min(end, available + slice);
      continue;
    }
    if (step.event == Event::failed) {
      outcome.failure = reader.failure();
      outcome.events.push_back({step.event, std::string(reader.failure().reason)});
      break;
    }
    if (step.event == Event::close) {
      const auto& close = reader.close_payload();
      outcome.events.push_back({step.event, std::to_string(close.code) + " " + std::string(close.reason)});
      break;
    }
    outcome.events.push_back({step.event, std::string(reader.payload())});
  }
  outcome.consumed = static_cast<std::size_t>(p - begin);
  return outcome;
}

// The same outcome whole, a byte at a time and in slices of 7: the reads' split points never matter.
inline Outcome read_at_every_split(const std::string& stream, const ReaderOptions& options = {}) {
  const Outcome whole = read_stream(stream, options);
  CHECK(read_stream(stream, options, 1) == whole);
  CHECK(read_stream(stream, options, 7) == whole);
  return whole;
}

// The close code the stream fails with (0 if it does not fail).
inline std::uint16_t failure_code(const std::string& stream, const ReaderOptions& options = {}) {
  return read_at_every_split(stream, options).failure.code;
}

inline Seen text(std::string_view s) { return {MessageReader::Event::text, std::string(s)}; }
inline Seen binary(std::string_view s) { return {MessageReader::Event::binary, std::string(s)}; }
inline Seen ping(std::string_view s) { return {MessageReader::Event::ping, std::string(s)}; }
inline Seen pong(std::string_view s) { return {MessageReader::Event::pong, std::string(s)}; }
inline Seen closed(std::string_view s) { return {MessageReader::Event::close, std::string(s)}; }

}  // namespace deployctl::gateway::websocket::testing
