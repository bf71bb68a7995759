// Message assembly over the frame parser. Sizes are judged before the payload arrives where they can be: an
// uncompressed frame that would take its message past the limit fails at its header (1009); a compressed one is held
// to the limit on its wire size and, while it inflates, on its output (Inflater stops one byte past the limit), so a
// small frame cannot inflate into gigabytes.
#include "gateway/websocket/message_reader.hpp"

#include <algorithm>

namespace deployctl::gateway::websocket {

namespace {

// A message buffer that grew past this is given back after its message, so one large message does not keep its
// memory for the connection's life.
constexpr std::size_t kept_capacity = 64 * 1024;

}  // namespace

MessageReader::MessageReader(const ReaderOptions& options)
    : max_size_(options.max_message_size), parser_(options.deflate.has_value()) {
  if (options.deflate)
    inflater_.emplace(options.deflate->client_max_window_bits, options.deflate->client_no_context_takeover);
}

std::string_view MessageReader::payload() const noexcept {
  if (last_ == Event::text || last_ == Event::binary) return message_;
  return control_;
}

MessageReader::Step MessageReader::fail(char* next, Failure failure) {
  failure_ = failure;
  last_ = Event::failed;
  return {Event::failed, next};
}

std::optional<Failure> MessageReader::on_header(const FrameHeader& header) {
  frame_opcode_ = header.opcode;
  if (is_control(header.opcode)) {
    control_.clear();
    return std::nullopt;
  }
  if (header.opcode == static_cast<std::uint8_t>(Opcode::continuation)) {
    if (!in_message_) return Failure{close_code::protocol_error, "continuation frame outside a fragmented message"};
    if (header.rsv1) return Failure{close_code::protocol_error, "RSV1 set on a continuation frame"};
  } else {
    if (in_message_) return Failure{close_code::protocol_error, "new message inside a fragmented message"};
    in_message_ = true;
    message_text_ = header.opcode == static_cast<std::uint8_t>(Opcode::text);
    message_compressed_ = header.rsv1;
    compressed_size_ = 0;
    utf8_.reset();
    if (message_.capacity() > kept_capacity) std::string().swap(message_);
    message_.clear();
  }
  // Compressed bytes are held to the limit too: deflate can make data a little larger than it was, but a message
  // that needs more wire bytes than the limit would not be accepted uncompressed either.
  const std::uint64_t so_far = message_compressed_ ? compressed_size_ : message_.size();
  if (header.length > max_size_ - so_far) return Failure{close_code::message_too_big, "message too big"};
  if (message_compressed_) compressed_size_ += header.length;
  return std::nullopt;
}

std::optional<Failure> MessageReader::append_inflated(std::string_view compressed, bool last) {
  const std::size_t before = message_.size();
  const auto result =
      last ? inflater_->finish(message_, max_size_) : inflater_->inflate(compressed, message_, max_size_);
  // The text within the limit is judged first, whatever the result: otherwise an invalid byte before the limit would
  // be 1007 when the data arrives in small pieces and 1009 when it arrives at once.
  const std::string_view within_limit = std::string_view(message_).substr(0, max_size_);
  if (message_text_ && !utf8_.feed(within_limit.substr(std::min(before, within_limit.size()))))
    return Failure{close_code::invalid_payload, "text message is not valid UTF-8"};
  if (result == Inflater::Result::too_big) return Failure{close_code::message_too_big, "message too big"};
  if (result == Inflater::Result::invalid)
    return Failure{close_code::invalid_payload, "compressed message is not valid deflate data"};
  return std::nullopt;
}

std::optional<Failure> MessageReader::on_data(std::string_view data) {
  if (is_control(frame_opcode_)) {
    control_.append(data);
    return std::nullopt;
  }
  if (message_compressed_) return append_inflated(data, false);
  if (message_text_ && !utf8_.feed(data))
    return Failure{close_code::invalid_payload, "text message is not valid UTF-8"};
  message_.append(data);
  return std::nullopt;
}

MessageReader::Step MessageReader::read(char* p, char* end) {
  if (last_ == Event::close || last_ == Event::failed) return {last_, p};
  if (last_ == Event::text || last_ == Event::binary) {
    if (message_.capacity() > kept_capacity) std::string().swap(message_);
    message_.clear();
  }
  last_ = Event::need_more;
  while (true) {
    const FrameParser::Step step = parser_.step(p, end);
    p = step.next;
    switch (step.event) {
      case FrameParser::Event::need_more: return {Event::need_more, p};
      case FrameParser::Event::failed: return fail(p, parser_.failure());
      case FrameParser::Event::header:
        if (auto failure = on_header(parser_.header())) return fail(p, *failure);
        break;
      case FrameParser::Event::payload:
        if (auto failure = on_data(step.payload)) return fail(p, *failure);
        break;
      case FrameParser::Event::frame_end: {
        switch (static_cast<Opcode>(frame_opcode_)) {
          case Opcode::ping: last_ = Event::ping; return {last_, p};
          case Opcode::pong: last_ = Event::pong; return {last_, p};
          case Opcode::close: {
            const auto parsed = websocket::parse_close_payload(control_);
            if (!parsed) return fail(p, parsed.error());
            close_ = *parsed;
            last_ = Event::close;
            return {last_, p};
          }
          default: break;
        }
        if (!parser_.header().fin) break;
        if (message_compressed_) {
          if (auto failure = append_inflated({}, true)) return fail(p, *failure);
        }
        if (message_text_ && !utf8_.complete())
          return fail(p, {close_code::invalid_payload, "text message is not valid UTF-8"});
        in_message_ = false;
        last_ = message_text_ ? Event::text : Event::binary;
        return {last_, p};
      }
    }
  }
}

}  // namespace deployctl::gateway::websocket
