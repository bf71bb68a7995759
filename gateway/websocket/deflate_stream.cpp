// The zlib calls behind Deflater and Inflater.
//
// A negotiated window of 8 bits is used as 9 in both directions. zlib (since 1.2.9) refuses windowBits 8 for raw
// deflate (deflateInit2 returns Z_STREAM_ERROR), and other servers (Python's websockets, wsproto) pass 9 instead. It
// stays within the peer's 256-byte window: zlib's deflate never looks further back than its window minus 262 bytes
// (MAX_DIST in deflate.h), 250 bytes for a 512-byte window. On the inflating side a window larger than the
// sender's is always safe, so 9 costs only 256 bytes.
#include "gateway/websocket/deflate_stream.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace deployctl::gateway::websocket {

namespace {

constexpr char sync_tail[4] = {'\x00', '\x00', '\xff', '\xff'};
constexpr std::size_t output_step = 16 * 1024;
constexpr std::size_t max_piece = std::size_t{1} << 30;

int zlib_window(int window_bits) noexcept { return -std::clamp(window_bits, 9, 15); }

Bytef* bytes(const char* data) noexcept { return reinterpret_cast<Bytef*>(const_cast<char*>(data)); }

}  // namespace

struct Deflater::Stream {
  z_stream z{};
  ~Stream() { deflateEnd(&z); }
};

Deflater::Deflater(int window_bits, bool no_context_takeover, int level, int mem_level) noexcept
    : window_bits_(window_bits), level_(level), mem_level_(mem_level), no_context_takeover_(no_context_takeover) {}
Deflater::~Deflater() = default;
Deflater::Deflater(Deflater&&) noexcept = default;
Deflater& Deflater::operator=(Deflater&&) noexcept = default;

void Deflater::compress(std::string_view message, std::string& out) {
  if (!stream_) {
    auto stream = std::make_unique<Stream>();
    if (deflateInit2(&stream->z, level_, Z_DEFLATED, zlib_window(window_bits_), mem_level_, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::bad_alloc();  // the parameters are valid by construction: only memory can be missing
    stream_ = std::move(stream);
  }
  z_stream& z = stream_->z;
  const std::size_t start = out.size();
  // zlib counts in uInt: a message past 4 GiB goes in as several pieces, the flush coming with the last.
  do {
    const std::size_t piece = std::min<std::size_t>(message.size(), max_piece);
    z.next_in = bytes(message.data());
    z.avail_in = static_cast<uInt>(piece);
    message.remove_prefix(piece);
    const int flush = message.empty() ? Z_SYNC_FLUSH : Z_NO_FLUSH;
    do {
      const std::size_t old = out.size();
      const std::size_t room = std::max<std::size_t>(output_step, deflateBound(&z, z.avail_in) + 16);
      out.resize(old + room);
      z.next_out = bytes(out.data() + old);
      z.avail_out = static_cast<uInt>(room);
      deflate(&z, flush);  // cannot fail on a valid stream with room to write
      out.resize(old + room - z.avail_out);
    } while (z.avail_out == 0 || z.avail_in != 0);
  } while (!message.empty());
  // A sync flush always ends with the empty stored block 00 00 FF FF; the receiver puts it back.
  if (out.size() - start >= 4 && std::memcmp(out.data() + out.size() - 4, sync_tail, 4) == 0)
    out.resize(out.size() - 4);
  // An empty message right after another: zlib writes nothing for a second flush in a row with no input (deflate's
  // rule against duplicate flushes), but an empty payload would leave the receiver inside the stored block the tail
  // starts. The stored block's first byte is what an empty message compresses to (§7.2.3.6).
  if (out.size() == start) out.push_back('\0');
  if (no_context_takeover_) deflateReset(&z);
}

struct Inflater::Stream {
  z_stream z{};
  bool ended = false;  // the message's data ended with a BFINAL block (§7.2.3.4): the rest is ignored
  bool fed = false;    // the current message has given it compressed bytes
  ~Stream() { inflateEnd(&z); }
};

Inflater::Inflater(int window_bits, bool no_context_takeover) noexcept
    : window_bits_(window_bits), no_context_takeover_(no_context_takeover) {}
Inflater::~Inflater() = default;
Inflater::Inflater(Inflater&&) noexcept = default;
Inflater& Inflater::operator=(Inflater&&) noexcept = default;

Inflater::Result Inflater::run(std::string_view piece, std::string& out, std::size_t limit) {
  if (!stream_) {
    auto stream = std::make_unique<Stream>();
    if (inflateInit2(&stream->z, zlib_window(window_bits_)) != Z_OK) throw std::bad_alloc();
    stream_ = std::move(stream);
  }
  z_stream& z = stream_->z;
  if (!piece.empty()) stream_->fed = true;
  if (stream_->ended) return Result::ok;
  if (piece.size() > max_piece) {
    // zlib counts in uInt: larger pieces go in parts.
    for (std::size_t at = 0; at < piece.size(); at += max_piece)
      if (const Result r = run(piece.substr(at, max_piece), out, limit); r != Result::ok) return r;
    return Result::ok;
  }
  z.next_in = bytes(piece.data());
  z.avail_in = static_cast<uInt>(piece.size());
  while (true) {
    if (out.size() > limit) return Result::too_big;
    const std::size_t old = out.size();
    // One byte past the limit, so that an output that passes it is seen without inflating further.
    const std::size_t room = std::min(output_step, limit + 1 - old);
    out.resize(old + room);
    z.next_out = bytes(out.data() + old);
    z.avail_out = static_cast<uInt>(room);
    const uInt input_before = z.avail_in;
    const int rc = ::inflate(&z, Z_SYNC_FLUSH);
    out.resize(old + room - z.avail_out);
    if (z.avail_in == input_before && z.avail_out == room && rc != Z_STREAM_END && z.avail_in != 0)
      return Result::invalid;  // no progress with room and input: never loop on it
    if (rc == Z_STREAM_END) {
      stream_->ended = true;
      return out.size() > limit ? Result::too_big : Result::ok;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) return Result::invalid;
    if (out.size() > limit) return Result::too_big;
    // Done when all input is taken and zlib left room unused (it has nothing more to write).
    if (z.avail_in == 0 && z.avail_out != 0) return Result::ok;
    if (rc == Z_BUF_ERROR && z.avail_in == 0) return Result::ok;
  }
}

Inflater::Result Inflater::inflate(std::string_view piece, std::string& out, std::size_t limit) {
  return run(piece, out, limit);
}

Inflater::Result Inflater::finish(std::string& out, std::size_t limit) {
  // An empty compressed payload can only be an empty message; with the tail appended it would be the start of a
  // stored block that never ends (some senders produce it for an empty message after another).
  const bool empty = !stream_ || !stream_->fed;
  const Result result = empty ? Result::ok : run(std::string_view(sync_tail, 4), out, limit);
  if (!stream_) return result;
  stream_->fed = false;
  z_stream& z = stream_->z;
  if (no_context_takeover_) {
    inflateReset(&z);
  } else if (stream_->ended) {
    // A stream that ended with BFINAL cannot go on in zlib; the next message may still refer to this one's data, so
    // the window is carried over as a preset dictionary.
    unsigned char window[1 << 15];
    uInt size = sizeof window;
    inflateGetDictionary(&z, window, &size);
    inflateReset(&z);
    inflateSetDictionary(&z, window, size);
  }
  stream_->ended = false;
  return result;
}

}  // namespace deployctl::gateway::websocket
