// libbpf (Debian: libbpf-dev) and zlib (zlib1g-dev) for the collector.
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <zlib.h>
// libelf (libelf-dev), already linked for libbpf: symbol tables of TLS libraries for uprobes.
#include <gelf.h>
