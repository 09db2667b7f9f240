import SpriteStore
/// The one error type of the collector: a stable code and a message that says what is missing
/// and how to fix it.
public struct CollectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable identifiers for the kinds of collector errors.
    public typealias Code = ErrorCode<CollectorError>

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

extension ErrorCode where Domain == CollectorError {
    /// The process lacks root or CAP_BPF + CAP_PERFMON.
    public static var missingPrivileges: Self { Self(rawValue: "missing_privileges") }
    /// RLIMIT_MEMLOCK could not be raised.
    public static var memlock: Self { Self(rawValue: "memlock") }
    /// The kernel exposes no BTF at /sys/kernel/btf/vmlinux.
    public static var missingBTF: Self { Self(rawValue: "missing_btf") }
    /// tracefs or a required syscall tracepoint is unavailable.
    public static var missingTracepoints: Self { Self(rawValue: "missing_tracepoints") }
    /// The BPF object failed to open or to pass the verifier.
    public static var loadFailed: Self { Self(rawValue: "load_failed") }
    /// A required program could not be attached.
    public static var attachFailed: Self { Self(rawValue: "attach_failed") }
    /// A configuration value is out of range.
    public static var badConfiguration: Self { Self(rawValue: "bad_configuration") }
}
