/// The one error type of the OTLP module: a stable code and a message a user can act on.
public struct OTLPError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The export specification does not fit the data (missing column, wrong type).
        public static let badSpec = Code(rawValue: "bad_spec")
        /// The endpoint URL or options are unusable.
        public static let badEndpoint = Code(rawValue: "bad_endpoint")
        /// The receiver refused the data (a 4xx other than 429); not retried.
        public static let rejected = Code(rawValue: "rejected")
        /// The receiver could not be reached or kept failing after every retry.
        public static let unavailable = Code(rawValue: "unavailable")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
