import CLibbpf
import CSpriteBPF
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The socket tracer's BPF object: opened from the embedded bytes, configured, loaded (verified),
/// then attached and detached. Used from one task at a time (the collector's run loop).
final class BPFProgram: @unchecked Sendable {
    private let object: OpaquePointer
    private var links: [OpaquePointer] = []
    /// Map fds.
    let eventsFD: Int32
    let connInfoFD: Int32
    let countersFD: Int32
    /// SSL calls in progress per thread, written by the TLS tracer and completed by the nested
    /// syscalls this object sees (see bpf/tls_hook.h).
    let tlsCallsFD: Int32
    /// Protocols user space decided for connections the kernel could not classify.
    let protocolOverrideFD: Int32
    /// Programs that may fail to attach without failing the start (older kernels lack them).
    static let optionalPrograms: Set<String> = [
        "exit_sendfile64", "exit_readv", "exit_writev", "exit_sendmsg", "exit_recvmsg", "exit_accept_", "process_exit",
        "exit_sendmmsg", "exit_recvmmsg", "exit_socket",
    ]

    init(configuration: CollectorConfiguration, logger: Logger) throws(CollectorError) {
        LibbpfLog.install()
        LibbpfLog.clear()
        guard let base64 = EmbeddedBPF.objects["socket_trace"], let bytes = Base64.decode(base64) else {
            throw CollectorError(.loadFailed, "The embedded BPF object is missing or corrupt; rebuild Sprite (the BPFCompilerPlugin compiles bpf/socket_trace.bpf.c).")
        }
        var opts = bpf_object_open_opts()
        opts.sz = MemoryLayout<bpf_object_open_opts>.size
        let opened: OpaquePointer? = "sprite_socket".withCString { name in
            opts.object_name = name
            return bytes.withUnsafeBytes { bpf_object__open_mem($0.baseAddress, $0.count, &opts) }
        }
        guard let object = opened, libbpf_get_error(UnsafeRawPointer(object)) == 0 else {
            throw CollectorError(.loadFailed, "libbpf could not open the embedded BPF object: \(LibbpfLog.tail())")
        }
        self.object = object
        // Size the maps and write the read-only settings before loading.
        var map: OpaquePointer? = nil
        var configured = false
        while let m = bpf_object__next_map(object, map) {
            map = m
            let name = String(cString: bpf_map__name(m))
            switch name {
            case "events": bpf_map__set_max_entries(m, UInt32(configuration.ringBufferBytes))
            case "conn_info": bpf_map__set_max_entries(m, UInt32(configuration.maxKernelConnections))
            case "scratch": bpf_map__set_max_entries(m, UInt32(max(1, libbpf_num_possible_cpus())))
            default:
                if name.hasSuffix("rodata.config") || name.hasSuffix(".config") {
                    var cfg = sprite_config(
                        self_tgid: UInt32(getpid()), capture_limit: UInt32(configuration.captureLimit),
                        wakeup_bytes: UInt32(configuration.ringBufferBytes / 4), reserved: 0)
                    configured = bpf_map__set_initial_value(m, &cfg, MemoryLayout<sprite_config>.size) == 0
                }
            }
        }
        guard configured else {
            bpf_object__close(object)
            throw CollectorError(.loadFailed, "The embedded BPF object has no .rodata.config section; rebuild Sprite.")
        }
        let rc = bytes.withUnsafeBytes { _ in bpf_object__load(object) }
        if rc != 0 {
            let detail = LibbpfLog.tail()
            bpf_object__close(object)
            let hint = -rc == EPERM
                ? "The kernel refused with EPERM: run as root or with CAP_BPF and CAP_PERFMON, and make sure RLIMIT_MEMLOCK is unlimited (ulimit -l unlimited) on kernels before 5.11."
                : "Check that the kernel has BTF (/sys/kernel/btf/vmlinux) and supports BPF ring buffers (5.8 or newer)."
            throw CollectorError(.loadFailed, "The kernel rejected the collector's BPF programs (error \(-rc): \(String(cString: strerror(-rc)))). \(hint) libbpf said: \(detail)")
        }
        eventsFD = bpf_object__find_map_fd_by_name(object, "events")
        connInfoFD = bpf_object__find_map_fd_by_name(object, "conn_info")
        countersFD = bpf_object__find_map_fd_by_name(object, "counters")
        tlsCallsFD = bpf_object__find_map_fd_by_name(object, "tls_calls")
        protocolOverrideFD = bpf_object__find_map_fd_by_name(object, "protocol_override")
        logger.debug("BPF programs loaded", metadata: ["captureLimit": "\(configuration.captureLimit)"])
    }

    /// Attaches every program; returns the names of optional programs that failed.
    func attach(logger: Logger) throws(CollectorError) -> [String] {
        var failures: [String] = []
        var prog: OpaquePointer? = nil
        while let p = bpf_object__next_program(object, prog) {
            prog = p
            let name = String(cString: bpf_program__name(p))
            if let link = bpf_program__attach(p), libbpf_get_error(UnsafeRawPointer(link)) == 0 {
                links.append(link)
                continue
            }
            let err = errno
            let section = String(cString: bpf_program__section_name(p))
            if Self.optionalPrograms.contains(name) {
                logger.warning("optional tracepoint not attached", metadata: ["section": "\(section)", "errno": "\(err)"])
                failures.append("\(section): \(String(cString: strerror(err)))")
            } else {
                detach()
                throw CollectorError(.attachFailed, "The collector could not attach to the tracepoint \(section) (\(String(cString: strerror(err)))). It traces sockets through syscall tracepoints only: run as root or with CAP_BPF and CAP_PERFMON, make sure tracefs is mounted at /sys/kernel/tracing, and use a kernel built with CONFIG_FTRACE_SYSCALLS=y.")
            }
        }
        return failures
    }

    /// Detaches every program (idempotent).
    func detach() {
        for link in links { bpf_link__destroy(link) }
        links.removeAll()
    }

    /// Sum over CPUs of counter `index` of the per-CPU `counters` map.
    func counter(_ index: Int32) -> Int {
        let cpus = Int(libbpf_num_possible_cpus())
        guard cpus > 0 else { return 0 }
        var values = [UInt64](repeating: 0, count: cpus)
        var key = UInt32(index)
        guard bpf_map_lookup_elem(countersFD, &key, &values) == 0 else { return 0 }
        return Int(values.reduce(0, &+))
    }

    /// Byte counters of every connection the kernel tracks, by connection key.
    func connectionBytes() -> [ConnectionKey: (sent: UInt64, recv: UInt64)] {
        var out: [ConnectionKey: (sent: UInt64, recv: UInt64)] = [:]
        var key: UInt64 = 0
        var next: UInt64 = 0
        var value = sprite_conn_info()
        var first = true
        while out.count < 1 << 20 {
            let rc = first ? bpf_map_get_next_key(connInfoFD, nil, &next) : bpf_map_get_next_key(connInfoFD, &key, &next)
            first = false
            if rc != 0 { break }
            key = next
            if bpf_map_lookup_elem(connInfoFD, &key, &value) == 0 {
                out[ConnectionKey(tgid: value.id.tgid, fd: value.id.fd, generation: value.id.generation)] = (value.bytes_sent, value.bytes_recv)
            }
        }
        return out
    }

    /// Removes the kernel's entries for processes that exited.
    func forgetProcesses(_ tgids: Set<UInt32>) {
        guard !tgids.isEmpty else { return }
        var keys: [UInt64] = []
        var key: UInt64 = 0
        var next: UInt64 = 0
        var first = true
        while keys.count < 1 << 20 {
            let rc = first ? bpf_map_get_next_key(connInfoFD, nil, &next) : bpf_map_get_next_key(connInfoFD, &key, &next)
            first = false
            if rc != 0 { break }
            key = next
            if tgids.contains(UInt32(truncatingIfNeeded: next >> 32)) { keys.append(next) }
        }
        for var k in keys { bpf_map_delete_elem(connInfoFD, &k) }
    }

    deinit {
        detach()
        bpf_object__close(object)
    }
}
