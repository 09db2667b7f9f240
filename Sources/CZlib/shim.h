// zlib (Debian: zlib1g-dev): gzip-compressed OTLP requests, compressed batches between edges and the aggregator.
#include <zlib.h>
