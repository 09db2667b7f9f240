/// The one error type of the collector: a stable code and a message that says what is missing
/// and how to fix it.
public struct CollectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable identifiers for the kinds of collector errors.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The process lacks root or CAP_BPF + CAP_PERFMON.
        public static let missingPrivileges = Code(rawValue: "missing_privileges")
        /// RLIMIT_MEMLOCK could not be raised.
        public static let memlock = Code(rawValue: "memlock")
        /// The kernel exposes no BTF at /sys/kernel/btf/vmlinux.
        public static let missingBTF = Code(rawValue: "missing_btf")
        /// tracefs or a required syscall tracepoint is unavailable.
        public static let missingTracepoints = Code(rawValue: "missing_tracepoints")
        /// The BPF object failed to open or to pass the verifier.
        public static let loadFailed = Code(rawValue: "load_failed")
        /// A required program could not be attached.
        public static let attachFailed = Code(rawValue: "attach_failed")
        /// A configuration value is out of range.
        public static let badConfiguration = Code(rawValue: "bad_configuration")
    }

    /// What went wrong, as a stable code.
    public var code: Code
    /// What went wrong and what to do about it (one paragraph).
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
