// libnghttp2 (Debian: libnghttp2-dev): its HPACK inflater decodes HTTP/2 header blocks for the
// collector's HTTP/2 sessions (frames are parsed by Sprite itself).
#include <nghttp2/nghttp2.h>
