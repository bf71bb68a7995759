// Fuzz target: any bytes as what one WebSocket client sends after the handshake, read by gateway/websocket's
// MessageReader (frame parser, message assembly, UTF-8, close frames and, when byte 0 says so, permessage-deflate's
// inflater) whole, byte by byte and in two series of random slices. It must never crash or hang; where the reads
// split the stream must change nothing (the same events, the same failure code); every text message is valid UTF-8,
// no message passes the size limit, no control payload passes 125 bytes, and every close code is one a peer may
// send. Each message delivered also goes back out through the writer and the deflater, and inflates to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/websocket/close_payload.hpp"
#include "gateway/websocket/deflate_stream.hpp"
#include "gateway/websocket/frame_writer.hpp"
#include "gateway/websocket/message_reader.hpp"
#include "gateway/websocket/utf8_validator.hpp"
#include "tests/fuzz/slice_sizes.hpp"

namespace {

using namespace deployctl::gateway::websocket;
using Event = MessageReader::Event;

void require(bool condition) {
  if (!condition) std::abort();
}

struct Seen {
  std::vector<std::string> events;  // each: the event's number, then its payload (or close code and reason)
  std::uint16_t failure = 0;
  bool operator==(const Seen&) const = default;
};

// Every message goes back out through a writer that keeps its window across messages (as a peer's would) and
// through one that resets it, and each inflates to the message again.
struct RoundTrip {
  Deflater keeping{9, false}, resetting{9, true};
  Inflater keeping_inflater{9, false}, resetting_inflater{9, true};

  void check(std::string_view message, Opcode opcode) {
    std::string framed;
    append_message(framed, opcode, message, 61, &resetting);
    for (auto [deflater, inflater] :
         {std::pair{&keeping, &keeping_inflater}, std::pair{&resetting, &resetting_inflater}}) {
      std::string compressed, out;
      deflater->compress(message, compressed);
      require(!compressed.empty());
      require(inflater->inflate(compressed, out, message.size()) == Inflater::Result::ok);
      require(inflater->finish(out, message.size()) == Inflater::Result::ok);
      require(out == message);
    }
  }
};

template <typename NextSize>
Seen run(std::string stream, const ReaderOptions& options, NextSize next_size) {
  MessageReader reader(options);
  RoundTrip round_trip;
  Seen seen;
  char* p = stream.data();
  char* const end = p + stream.size();
  char* available = p;
  while (true) {
    std::size_t size = next_size();
    if (size == 0 || size > static_cast<std::size_t>(end - available)) size = static_cast<std::size_t>(end - available);
    available += size;
    MessageReader::Step step{Event::need_more, p};
    do {
      step = reader.read(p, available);
      require(step.next >= p && step.next <= available);
      p = step.next;
      switch (step.event) {
        case Event::need_more: break;
        case Event::text:
        case Event::binary:
          require(reader.payload().size() <= options.max_message_size);
          if (step.event == Event::text) require(is_valid_utf8(reader.payload()));
          round_trip.check(reader.payload(), step.event == Event::text ? Opcode::text : Opcode::binary);
          seen.events.push_back(std::to_string(static_cast<int>(step.event)) + std::string(reader.payload()));
          break;
        case Event::ping:
        case Event::pong:
          require(reader.payload().size() <= max_control_payload);
          seen.events.push_back(std::to_string(static_cast<int>(step.event)) + std::string(reader.payload()));
          break;
        case Event::close: {
          const auto& close = reader.close_payload();
          require(close.code == close_code::no_status || is_valid_close_code(close.code));
          require(is_valid_utf8(close.reason));
          seen.events.push_back("close " + std::to_string(close.code) + " " + std::string(close.reason));
          return seen;
        }
        case Event::failed:
          require(reader.failure().code == close_code::protocol_error ||
                  reader.failure().code == close_code::invalid_payload ||
                  reader.failure().code == close_code::message_too_big);
          require(!reader.failure().reason.empty() && reader.failure().reason.size() <= max_control_payload - 2);
          seen.failure = reader.failure().code;
          return seen;
      }
    } while (step.event != Event::need_more);
    require(p == available);
    if (available == end) return seen;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // Byte 0: bit 0 permessage-deflate, bit 1 no context takeover, bit 2 a small size limit (so that it is reached),
  // bit 3 an 8-bit client window; byte 1: the seed of the random slices.
  ReaderOptions options;
  if ((data[0] & 1) != 0) {
    DeflateParameters parameters;
    parameters.client_no_context_takeover = (data[0] & 2) != 0;
    parameters.client_max_window_bits = (data[0] & 8) != 0 ? 8 : 15;
    options.deflate = parameters;
  }
  options.max_message_size = (data[0] & 4) != 0 ? 64 : 1 << 20;
  const std::string stream(reinterpret_cast<const char*>(data + 2), size - 2);

  const Seen whole = run(stream, options, [] { return std::size_t{0}; });
  require(whole == run(stream, options, [] { return std::size_t{1}; }));
  require(whole == run(stream, options, SliceSizes{0x9E3779B9u ^ data[1], 16}));
  require(whole == run(stream, options, SliceSizes{0x85EBCA6Bu ^ (data[1] * 0x01000193u), 200}));
  return 0;
}
