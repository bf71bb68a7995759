// Everything a connection needs to turn a client's bytes into WebSocket messages (RFC 6455 §5.4-5.6, RFC 7692):
// frames parsed incrementally, fragmented messages reassembled with control frames between their fragments, text
// checked as UTF-8 as it arrives, compressed messages inflated within the size limit, close frames checked. No I/O:
// the connection hands in what it read and gets one event at a time, so it can stop reading while the app has not
// taken the last message.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/websocket/close_payload.hpp"
#include "gateway/websocket/deflate_negotiation.hpp"
#include "gateway/websocket/deflate_stream.hpp"
#include "gateway/websocket/frame_parser.hpp"
#include "gateway/websocket/protocol.hpp"
#include "gateway/websocket/utf8_validator.hpp"

namespace deployctl::gateway::websocket {

struct ReaderOptions {
  std::size_t max_message_size = 16 * 1024 * 1024;  // --ws-max-size: a message past it fails with 1009
  std::optional<DeflateParameters> deflate;         // permessage-deflate, when negotiated
};

class MessageReader {
 public:
  explicit MessageReader(const ReaderOptions& options = {});

  enum class Event : std::uint8_t {
    need_more,  // every byte up to `end` was consumed
    text,       // payload(): a whole text message (valid UTF-8, possibly empty)
    binary,     // payload(): a whole binary message (possibly empty)
    ping,       // payload(): its application data; the connection answers with a pong of the same
    pong,       // payload(): its application data
    close,      // close_payload(): the peer's code and reason; nothing after it is read
    failed,     // failure(): the close code to send and why; nothing after it is read
  };
  struct Step {
    Event event;
    char* next;  // where to go on from; bytes before it were consumed (and payload bytes unmasked in place)
  };
  // Reads from p up to the first event. payload() stays valid until the next call. After close or failed every
  // call returns the same event and consumes nothing.
  Step read(char* p, char* end);

  std::string_view payload() const noexcept;
  const ClosePayload& close_payload() const noexcept { return close_; }
  const Failure& failure() const noexcept { return failure_; }

 private:
  Step fail(char* next, Failure failure);
  std::optional<Failure> on_header(const FrameHeader& header);
  std::optional<Failure> on_data(std::string_view data);
  std::optional<Failure> append_inflated(std::string_view compressed, bool last);

  std::size_t max_size_;
  FrameParser parser_;
  std::optional<Inflater> inflater_;
  Utf8Validator utf8_;
  std::string message_;  // the data message being assembled (inflated)
  std::string control_;  // the payload of the control frame being read
  std::uint64_t compressed_size_ = 0;
  std::uint8_t frame_opcode_ = 0;
  bool in_message_ = false;
  bool message_text_ = false;
  bool message_compressed_ = false;
  Event last_ = Event::need_more;
  ClosePayload close_;
  Failure failure_;
};

}  // namespace deployctl::gateway::websocket
