// Protocol inference on the first bytes of a transfer, shared by the socket tracer (plaintext at
// the syscall layer) and the TLS tracer (plaintext inside the TLS library).
#ifndef SPRITE_PROTOCOL_INFER_H
#define SPRITE_PROTOCOL_INFER_H

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

#endif
