/// The one error type of scheduled exports: a stable code and a message a user can act on.
public struct ExportError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The script does not compile or does not export anything (line and column in the message).
        public static let badScript = Code(rawValue: "bad_script")
        /// A schedule's settings are invalid (name, interval, endpoint).
        public static let badSchedule = Code(rawValue: "bad_schedule")
        /// No schedule has that name.
        public static let unknownSchedule = Code(rawValue: "unknown_schedule")
        /// A schedule with that name exists.
        public static let exists = Code(rawValue: "exists")
        /// The schedule database failed.
        public static let storage = Code(rawValue: "storage")
        /// Running the script or sending its data failed.
        public static let runFailed = Code(rawValue: "run_failed")
    }

    public var code: Code
    public var message: String
    /// For `badScript`: 1-based line and column.
    public var line: Int?
    public var column: Int?

    public init(_ code: Code, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { message }
}
