import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Checks the kernel and the process for what the tracer needs, before anything is loaded.
enum KernelEnvironment {
    static let btfPath = "/sys/kernel/btf/vmlinux"
    static let tracefsPaths = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
    /// Tracepoints without which no HTTP can be traced.
    static let requiredTracepoints = [
        "syscalls/sys_enter_connect", "syscalls/sys_exit_connect", "syscalls/sys_exit_accept4",
        "syscalls/sys_enter_read", "syscalls/sys_exit_read", "syscalls/sys_enter_write", "syscalls/sys_exit_write",
        "syscalls/sys_enter_close",
    ]

    static func check(logger: Logger) throws(CollectorError) {
        try checkPrivileges()
        try raiseMemlock(logger: logger)
        guard access(btfPath, R_OK) == 0 else {
            throw CollectorError(.missingBTF, "The kernel exposes no BTF type information at \(btfPath), which the collector's CO-RE programs need to read socket structures. Run a kernel built with CONFIG_DEBUG_INFO_BTF=y (the default on current Debian, Ubuntu, Fedora and RHEL kernels), or upgrade the kernel.")
        }
        let tracefs = try tracefsRoot(logger: logger)
        let missing = requiredTracepoints.filter { access("\(tracefs)/events/\($0)/id", F_OK) != 0 }
        if !missing.isEmpty {
            throw CollectorError(.missingTracepoints, "The kernel lacks the syscall tracepoints \(missing.joined(separator: ", ")) under \(tracefs)/events. The collector traces sockets through syscall tracepoints only; run a kernel built with CONFIG_FTRACE_SYSCALLS=y (standard on distribution kernels).")
        }
    }

    private static func checkPrivileges() throws(CollectorError) {
        if geteuid() == 0 { return }
        let caps = effectiveCapabilities()
        let bpf: UInt64 = 1 << 39, perfmon: UInt64 = 1 << 38, sysAdmin: UInt64 = 1 << 21
        if caps & sysAdmin != 0 || (caps & bpf != 0 && caps & perfmon != 0) { return }
        throw CollectorError(.missingPrivileges, "The collector needs to load eBPF programs, which requires root or the capabilities CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN on kernels before 5.8), plus CAP_SYS_RESOURCE to raise RLIMIT_MEMLOCK. Run it with sudo, or grant them once: sudo setcap cap_bpf,cap_perfmon,cap_sys_resource+ep $(which sprite).")
    }

    static func effectiveCapabilities() -> UInt64 {
        guard let status = ProcFS.read("/proc/self/status") else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
            return UInt64(line.dropFirst(7).trimmingPrefixSpaces(), radix: 16) ?? 0
        }
        return 0
    }

    /// RLIMIT_MEMLOCK (8 on Linux; glibc's enum does not import by that name).
    private static let memlockResource = __rlimit_resource_t(8)

    private static func raiseMemlock(logger: Logger) throws(CollectorError) {
        var limit = rlimit(rlim_cur: rlim_t.max, rlim_max: rlim_t.max)
        if setrlimit(memlockResource, &limit) == 0 { return }
        var current = rlimit()
        getrlimit(memlockResource, &current)
        // Kernels from 5.11 charge BPF memory to the cgroup and ignore RLIMIT_MEMLOCK.
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        let parts = release.split(separator: ".").compactMap { Int($0.prefix(while: \.isNumber)) }
        if parts.count >= 2, parts[0] > 5 || (parts[0] == 5 && parts[1] >= 11) {
            logger.debug("could not raise RLIMIT_MEMLOCK; kernel \(release) does not need it")
            return
        }
        throw CollectorError(.memlock, "The collector could not raise RLIMIT_MEMLOCK (now \(current.rlim_cur) bytes), which kernel \(release) charges BPF maps against. Run as root or with CAP_SYS_RESOURCE, or raise the limit for the service (ulimit -l unlimited, or LimitMEMLOCK=infinity in the systemd unit).")
    }

    /// The mounted tracefs, mounting it at /sys/kernel/tracing when it is not.
    private static func tracefsRoot(logger: Logger) throws(CollectorError) -> String {
        for p in tracefsPaths where access("\(p)/events/syscalls", F_OK) == 0 { return p }
        if mount("nodev", tracefsPaths[0], "tracefs", 0, nil) == 0 {
            logger.info("mounted tracefs at \(tracefsPaths[0])")
            if access("\(tracefsPaths[0])/events/syscalls", F_OK) == 0 { return tracefsPaths[0] }
        }
        throw CollectorError(.missingTracepoints, "The collector attaches to syscall tracepoints through tracefs, but tracefs is not mounted at /sys/kernel/tracing and could not be mounted (\(String(cString: strerror(errno)))). Mount it with 'mount -t tracefs nodev /sys/kernel/tracing' (or mount debugfs at /sys/kernel/debug), and check that the kernel has CONFIG_FTRACE_SYSCALLS=y.")
    }
}

extension Substring {
    func trimmingPrefixSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        return s
    }
}
