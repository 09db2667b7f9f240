import SpriteStore
/// The one error type of the OTLP module: a stable code and a message a user can act on.
public struct OTLPError: Error, Sendable, Hashable, CustomStringConvertible {
    public typealias Code = ErrorCode<OTLPError>

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}

extension ErrorCode where Domain == OTLPError {
    /// The export specification does not fit the data (missing column, wrong type).
    public static var badSpec: Self { Self(rawValue: "bad_spec") }
    /// The endpoint URL or options are unusable.
    public static var badEndpoint: Self { Self(rawValue: "bad_endpoint") }
    /// The receiver refused the data (a 4xx other than 429); not retried.
    public static var rejected: Self { Self(rawValue: "rejected") }
    /// The receiver could not be reached or kept failing after every retry.
    public static var unavailable: Self { Self(rawValue: "unavailable") }
}
