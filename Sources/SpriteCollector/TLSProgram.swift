import CLibbpf
import CSpriteBPF
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The TLS tracer's BPF object (`bpf/ssl_trace.bpf.c`): uprobes on OpenSSL's read/write
/// functions and the exec tracepoint that triggers library discovery. It shares the socket
/// tracer's ring buffer, connection table, counters and in-flight SSL calls (map fds reused before
/// loading). Uprobes are attached per library file by ``SSLProbeManager``.
final class TLSProgram: @unchecked Sendable {
    /// The probed functions: symbol name, entry program, return program.
    static let functions: [(symbol: String, entry: String, exit: String)] = [
        ("SSL_write", "ssl_write_entry", "ssl_write_return"),
        ("SSL_read", "ssl_read_entry", "ssl_read_return"),
        ("SSL_write_ex", "ssl_write_ex_entry", "ssl_write_ex_return"),
        ("SSL_read_ex", "ssl_read_ex_entry", "ssl_read_ex_return"),
    ]

    private let object: OpaquePointer
    private var execLink: OpaquePointer?
    private let tlsSSLFDs: Int32
    private let tlsStreams: Int32
    private let tlsCalls: Int32

    init(socket: BPFProgram, configuration: CollectorConfiguration, logger: Logger) throws(CollectorError) {
        guard let base64 = EmbeddedBPF.objects["ssl_trace"], let bytes = Base64.decode(base64) else {
            throw CollectorError(.loadFailed, "The embedded TLS tracer (bpf/ssl_trace.bpf.c) is missing or corrupt; rebuild Sprite.")
        }
        LibbpfLog.clear()
        var opts = bpf_object_open_opts()
        opts.sz = MemoryLayout<bpf_object_open_opts>.size
        let opened: OpaquePointer? = "sprite_tls".withCString { name in
            opts.object_name = name
            return bytes.withUnsafeBytes { bpf_object__open_mem($0.baseAddress, $0.count, &opts) }
        }
        guard let object = opened, libbpf_get_error(UnsafeRawPointer(object)) == 0 else {
            throw CollectorError(.loadFailed, "libbpf could not open the TLS tracer: \(LibbpfLog.tail())")
        }
        let shared: [String: Int32] = [
            "events": socket.eventsFD, "conn_info": socket.connInfoFD, "counters": socket.countersFD,
            "tls_calls": socket.tlsCallsFD,
        ]
        var map: OpaquePointer? = nil
        var failure: String? = nil
        while let m = bpf_object__next_map(object, map) {
            map = m
            let name = String(cString: bpf_map__name(m))
            if let fd = shared[name] {
                if fd < 0 || bpf_map__reuse_fd(m, fd) != 0 { failure = "cannot share the socket tracer's map \(name)" }
            } else if name.hasSuffix(".config") {
                var cfg = sprite_config(
                    self_tgid: UInt32(getpid()), capture_limit: UInt32(configuration.captureLimit),
                    wakeup_bytes: UInt32(configuration.ringBufferBytes / 4), reserved: 0)
                if bpf_map__set_initial_value(m, &cfg, MemoryLayout<sprite_config>.size) != 0 { failure = "cannot configure the TLS tracer" }
            }
        }
        if let failure {
            bpf_object__close(object)
            throw CollectorError(.loadFailed, "TLS tracing is off: \(failure). \(LibbpfLog.tail())")
        }
        // Uprobes are attached by hand per library; keep libbpf from trying to auto-attach them.
        var prog: OpaquePointer? = nil
        while let p = bpf_object__next_program(object, prog) {
            prog = p
            bpf_program__set_autoattach(p, false)
        }
        let rc = bpf_object__load(object)
        if rc != 0 {
            let detail = LibbpfLog.tail()
            bpf_object__close(object)
            throw CollectorError(.loadFailed, "TLS tracing is off: the kernel rejected the TLS tracer (error \(-rc): \(String(cString: strerror(-rc)))). libbpf said: \(detail)")
        }
        self.object = object
        tlsSSLFDs = bpf_object__find_map_fd_by_name(object, "tls_ssl_fds")
        tlsStreams = bpf_object__find_map_fd_by_name(object, "tls_streams")
        tlsCalls = socket.tlsCallsFD
        logger.debug("TLS tracer loaded")
    }

    /// Attaches the exec tracepoint that drives discovery of new processes.
    func attachExec() throws(CollectorError) {
        guard execLink == nil else { return }
        guard let p = bpf_object__find_program_by_name(object, "tls_process_exec"),
              let link = bpf_program__attach(p), libbpf_get_error(UnsafeRawPointer(link)) == 0 else {
            throw CollectorError(.attachFailed, "sched/sched_process_exec not attached (\(String(cString: strerror(errno)))): TLS libraries are found by the periodic rescan only")
        }
        execLink = link
    }

    /// Attaches the entry and return probes of `program` at `offset` of the file `path`, for every
    /// process (pid -1). Returns both links, or throws the reason.
    func attach(entry: String, exit: String, path: String, offset: UInt64) throws(CollectorError) -> [OpaquePointer] {
        var links: [OpaquePointer] = []
        for (name, retprobe) in [(entry, false), (exit, true)] {
            guard let p = bpf_object__find_program_by_name(object, name) else {
                for l in links { bpf_link__destroy(l) }
                throw CollectorError(.attachFailed, "program \(name) missing from the TLS tracer")
            }
            var opts = bpf_uprobe_opts()
            opts.sz = MemoryLayout<bpf_uprobe_opts>.size
            opts.retprobe = retprobe
            let link = bpf_program__attach_uprobe_opts(p, -1, path, Int(offset), &opts)
            guard let link, libbpf_get_error(UnsafeRawPointer(link)) == 0 else {
                let err = errno
                for l in links { bpf_link__destroy(l) }
                throw CollectorError(.attachFailed, "\(retprobe ? "uretprobe" : "uprobe") at offset 0x\(String(offset, radix: 16)): \(String(cString: strerror(err)))")
            }
            links.append(link)
        }
        return links
    }

    /// Removes the kernel's TLS state of processes that exited.
    func forgetProcesses(_ tgids: Set<UInt32>) {
        guard !tgids.isEmpty else { return }
        // tls_ssl_fds: {ssl u64, tgid u32, pad u32}; tls_streams and tls_calls: tgid in the high half.
        BPFMaps.deleteKeys(fd: tlsSSLFDs, keySize: 16) { key in tgids.contains(key.load(fromByteOffset: 8, as: UInt32.self)) }
        BPFMaps.deleteKeys(fd: tlsStreams, keySize: 8) { key in tgids.contains(UInt32(truncatingIfNeeded: key.load(as: UInt64.self) >> 32)) }
        BPFMaps.deleteKeys(fd: tlsCalls, keySize: 8) { key in tgids.contains(UInt32(truncatingIfNeeded: key.load(as: UInt64.self) >> 32)) }
    }

    /// Detaches the exec tracepoint (idempotent; library probes belong to their owner).
    func detach() {
        if let execLink { bpf_link__destroy(execLink) }
        execLink = nil
    }

    deinit {
        detach()
        bpf_object__close(object)
    }
}

/// Helpers over BPF map fds.
enum BPFMaps {
    /// Deletes every key of the hash map `fd` for which `matches` is true.
    static func deleteKeys(fd: Int32, keySize: Int, limit: Int = 1 << 20, where matches: (UnsafeRawBufferPointer) -> Bool) {
        guard fd >= 0 else { return }
        var victims: [[UInt8]] = []
        var key = [UInt8](repeating: 0, count: keySize)
        var next = [UInt8](repeating: 0, count: keySize)
        var first = true
        var visited = 0
        while visited < limit {
            let rc = first ? bpf_map_get_next_key(fd, nil, &next) : bpf_map_get_next_key(fd, key, &next)
            first = false
            if rc != 0 { break }
            visited += 1
            key = next
            if next.withUnsafeBytes({ matches($0) }) { victims.append(next) }
        }
        for v in victims { _ = bpf_map_delete_elem(fd, v) }
    }
}
