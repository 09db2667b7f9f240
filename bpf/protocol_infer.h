// Protocol inference on the first bytes of a transfer, shared by the socket tracer (plaintext at
// the syscall layer) and the TLS tracer (plaintext inside the TLS library).
//
// Each test looks at up to SPRITE_INFER_BYTES bytes of the first buffer of a read or write and at
// the syscall's length. The tests run in order of how specific they are; a connection keeps the
// first protocol that matches. User space parses the stream with that protocol's decoder, which
// counts and resynchronises on anything it does not understand, so a heuristic must be cheap.
#ifndef SPRITE_PROTOCOL_INFER_H
#define SPRITE_PROTOCOL_INFER_H

#define SPRITE_INFER_BYTES 16

static __always_inline int is_digit(__u8 c) { return c >= '0' && c <= '9'; }

static __always_inline __u32 be32(const __u8 *b) {
    return ((__u32)b[0] << 24) | ((__u32)b[1] << 16) | ((__u32)b[2] << 8) | b[3];
}

/// Whether `b` starts an HTTP/1.x request or response.
static __always_inline int looks_like_http(const __u8 *b, __u32 n) {
    if (n < 4) return 0;
    if (b[0] == 'G' && b[1] == 'E' && b[2] == 'T' && b[3] == ' ') return 1;
    if (b[0] == 'P' && b[1] == 'O' && b[2] == 'S' && b[3] == 'T') return 1;
    if (b[0] == 'P' && b[1] == 'U' && b[2] == 'T' && b[3] == ' ') return 1;
    if (b[0] == 'H' && b[1] == 'E' && b[2] == 'A' && b[3] == 'D') return 1;
    if (b[0] == 'D' && b[1] == 'E' && b[2] == 'L' && b[3] == 'E') return 1;
    if (b[0] == 'P' && b[1] == 'A' && b[2] == 'T' && b[3] == 'C') return 1;
    if (b[0] == 'O' && b[1] == 'P' && b[2] == 'T' && b[3] == 'I') return 1;
    if (b[0] == 'T' && b[1] == 'R' && b[2] == 'A' && b[3] == 'C') return 1;
    if (b[0] == 'C' && b[1] == 'O' && b[2] == 'N' && b[3] == 'N') return 1;
    if (n >= 7 && b[0] == 'H' && b[1] == 'T' && b[2] == 'T' && b[3] == 'P' && b[4] == '/' && b[5] == '1' && b[6] == '.') return 1;
    return 0;
}

/// A RESP command array: `*<count>\r\n$<len>` (what every Redis client sends).
static __always_inline int looks_like_redis(const __u8 *b, __u32 n) {
    if (n < 6 || b[0] != '*' || !is_digit(b[1])) return 0;
    if (b[2] == '\r' && b[3] == '\n' && b[4] == '$' && is_digit(b[5])) return 1;
    if (n >= 7 && is_digit(b[2]) && b[3] == '\r' && b[4] == '\n' && b[5] == '$' && is_digit(b[6])) return 1;
    return 0;
}

/// A PostgreSQL startup message (protocol 3.0), SSLRequest or GSSENCRequest, or a whole simple
/// Query message ('Q', length, text) written in one call.
static __always_inline int looks_like_pgsql(const __u8 *b, __u32 n, __u32 len) {
    if (n < 8) return 0;
    __u32 length = be32(b);
    __u32 code = be32(b + 4);
    if (length == 8 && (code == 80877103 || code == 80877104)) return 1;
    if (code == 0x00030000 && length >= 9 && length <= 10000 && length == len) return 1;
    if (b[0] == 'Q' && be32(b + 1) + 1 == len && len > 6) {
        __u8 c = b[5];
        return c >= 'A' && c <= 'z';
    }
    return 0;
}

/// A MySQL server greeting (sequence 0, protocol 10, a version string), a client's handshake
/// response (sequence 1, CLIENT_PROTOCOL_41), or a whole COM_QUERY / COM_STMT_PREPARE packet.
static __always_inline int looks_like_mysql(const __u8 *b, __u32 n, __u32 len) {
    if (n < 8) return 0;
    __u32 length = b[0] | ((__u32)b[1] << 8) | ((__u32)b[2] << 16);
    __u8 seq = b[3];
    if (length + 4 != len) return 0;
    if (seq == 0 && b[4] == 10 && is_digit(b[5]) && length >= 30 && length <= 1024) return 1;
    if (seq == 1 && length >= 32 && (b[5] & 0x02) != 0) return 1;  // capability 0x200: PROTOCOL_41
    if (seq == 0 && (b[4] == 0x03 || b[4] == 0x16) && length >= 2) {
        __u8 c = b[5];
        return (c >= 'A' && c <= 'z') || c == ' ' || c == '(' || c == '/';
    }
    return 0;
}

/// The header of a DNS query (standard query, one question, no answers) either bare, as in a
/// UDP datagram or a TCP read after the length, or behind the two-byte length of DNS over TCP.
static __always_inline int dns_query_header(const __u8 *h) {
    // h[2..3] flags: QR 0, opcode 0, Z 0, rcode 0; h[4..5] qdcount 1; h[6..9] an/ns counts 0.
    if ((h[2] & 0xF8) != 0 || (h[3] & 0x4F) != 0) return 0;
    return h[4] == 0 && h[5] == 1 && h[6] == 0 && h[7] == 0 && h[8] == 0 && h[9] == 0;
}

static __always_inline int looks_like_dns(const __u8 *b, __u32 n, __u32 len) {
    if (n < 12) return 0;
    if (len >= 17 && len <= 512 && dns_query_header(b)) return 1;
    if (n >= 14 && ((__u32)b[0] << 8 | b[1]) + 2 == len && len >= 19 && dns_query_header(b + 2)) return 1;
    return 0;
}

/// A whole Kafka request in one transfer: size + 4 == the syscall's length, a known API key with a
/// version in its range, a non-negative correlation id, and a client id that is null or fits in
/// the request (and starts with a printable character).
static __always_inline int looks_like_kafka(const __u8 *b, __u32 n, __u32 len) {
    if (n < 14 || len < 14) return 0;
    if (be32(b) + 4 != len) return 0;
    __u16 key = ((__u16)b[4] << 8) | b[5];
    __u16 version = ((__u16)b[6] << 8) | b[7];
    if (key > 92 || (b[8] & 0x80) != 0) return 0;
    __u16 max = 20;
    switch (key) {
    case 0: max = 13; break;   // Produce
    case 1: max = 18; break;   // Fetch
    case 2: max = 11; break;   // ListOffsets
    case 3: max = 13; break;   // Metadata
    case 17: max = 1; break;   // SaslHandshake
    case 18: max = 5; break;   // ApiVersions
    }
    if (version > max) return 0;
    __u16 client = ((__u16)b[12] << 8) | b[13];
    if (client == 0xFFFF) return 1;
    if (client > len - 14 || client > 512) return 0;
    if (client > 0 && n > 14 && (b[14] < 0x20 || b[14] > 0x7E)) return 0;
    return 1;
}

/// The HTTP/2 client preface (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`; its first 16 bytes suffice).
static __always_inline int looks_like_http2_preface(const __u8 *b, __u32 n) {
    if (n < 16) return 0;
    return b[0] == 'P' && b[1] == 'R' && b[2] == 'I' && b[3] == ' ' && b[4] == '*' && b[5] == ' ' && b[6] == 'H' &&
           b[7] == 'T' && b[8] == 'T' && b[9] == 'P' && b[10] == '/' && b[11] == '2' && b[12] == '.' && b[13] == '0' &&
           b[14] == '\r' && b[15] == '\n';
}

/// Whether `c` can open a request or response header block: a static pseudo-header (indices
/// 1-14, indexed or as a literal's name), a literal with a new name, a dynamic-table entry or a
/// table size update (RFC 9113 §8.3: pseudo-headers come first).
static __always_inline int hpack_block_start(__u8 c) {
    if (c >= 0x81 && c <= 0x8E) return 1;
    if (c >= 0xBE) return 1;
    __u8 low = c & 0x0F;
    if ((c & 0xF0) == 0x40 || (c & 0xF0) == 0x00 || (c & 0xF0) == 0x10) return low <= 0x0E;
    return (c & 0xE0) == 0x20;
}

/// An HTTP/2 frame header at the start of a transfer of a connection whose preface was not seen
/// (open before tracing began, or a server's first write): the header must be valid for its
/// type (stream id zero or not, flags, fixed lengths, a stream id below 2^28) and either the
/// frame fills the transfer exactly, or it is a SETTINGS frame (a server's preface, often
/// written with a WINDOW_UPDATE), or a whole header block (END_HEADERS) that starts like one.
/// `len` may be the first iovec only (gRPC C-core sends a HEADERS frame's 9 bytes and its block
/// in separate iovecs), so a HEADERS frame may be longer than it.
static __always_inline int looks_like_http2_frame(const __u8 *b, __u32 n, __u32 len) {
    if (n < 9 || b[5] >= 0x10) return 0;
    __u32 length = ((__u32)b[0] << 16) | ((__u32)b[1] << 8) | b[2];
    __u8 type = b[3], flags = b[4];
    __u32 stream = be32(b + 5);
    if (length > 16384) return 0;
    if (type == 1)  // HEADERS
        return stream != 0 && length > 0 && (flags & ~0x2D) == 0 && (flags & 0x04) &&
               ((flags & 0x28) != 0 || n < 10 || hpack_block_start(b[9]));
    if (length + 9 > len) return 0;
    if (type == 4)  // SETTINGS
        return stream == 0 && length % 6 == 0 && length <= 60 && (flags == 0 || (flags == 1 && length == 0));
    if (length + 9 != len) return 0;
    switch (type) {
    case 0: return stream != 0 && (flags & ~0x09) == 0 && length > 0;              // DATA
    case 3: return stream != 0 && length == 4 && flags == 0;                      // RST_STREAM
    case 6: return stream == 0 && length == 8 && (flags & ~0x01) == 0;            // PING
    case 7: return stream == 0 && length >= 8 && flags == 0;                      // GOAWAY
    case 8: return length == 4 && flags == 0 && (n < 10 || (b[9] & 0x80) == 0);  // WINDOW_UPDATE
    default: return 0;
    }
}

/// Whether an HTTP/2 transfer recognised by `looks_like_http2_frame` starts a response: a HEADERS
/// block opening with `:status` (static entries 8-14, indexed or as a literal's name). Used to
/// learn the role of a connection tracked mid-flight.
static __always_inline int http2_starts_response(const __u8 *b, __u32 n) {
    if (n < 10 || b[3] != 1 || (b[4] & 0x28)) return 0;
    __u8 c = b[9];
    return (c >= 0x88 && c <= 0x8E) || (c >= 0x48 && c <= 0x4E) || (c >= 0x08 && c <= 0x0E) || (c >= 0x18 && c <= 0x1E);
}

/// The protocol the first `n` captured bytes of a `len`-byte transfer suggest, or UNKNOWN.
static __always_inline __u16 infer_protocol(const __u8 *b, __u32 n, __u32 len) {
    if (looks_like_http(b, n)) return SPRITE_PROTO_HTTP;
    if (looks_like_http2_preface(b, n)) return SPRITE_PROTO_HTTP2;
    if (looks_like_redis(b, n)) return SPRITE_PROTO_REDIS;
    if (looks_like_pgsql(b, n, len)) return SPRITE_PROTO_PGSQL;
    if (looks_like_mysql(b, n, len)) return SPRITE_PROTO_MYSQL;
    if (looks_like_kafka(b, n, len)) return SPRITE_PROTO_KAFKA;
    if (looks_like_dns(b, n, len)) return SPRITE_PROTO_DNS;
    if (looks_like_http2_frame(b, n, len)) return SPRITE_PROTO_HTTP2;
    return SPRITE_PROTO_UNKNOWN;
}

#endif
