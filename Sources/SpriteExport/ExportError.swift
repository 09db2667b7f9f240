import SpriteStore
/// The one error type of scheduled exports: a stable code and a message a user can act on.
public struct ExportError: Error, Sendable, Hashable, CustomStringConvertible {
    public typealias Code = ErrorCode<ExportError>

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

extension ErrorCode where Domain == ExportError {
    /// The script does not compile or does not export anything (line and column in the message).
    public static var badScript: Self { Self(rawValue: "bad_script") }
    /// A schedule's settings are invalid (name, interval, endpoint).
    public static var badSchedule: Self { Self(rawValue: "bad_schedule") }
    /// No schedule has that name.
    public static var unknownSchedule: Self { Self(rawValue: "unknown_schedule") }
    /// A schedule with that name exists.
    public static var exists: Self { Self(rawValue: "exists") }
    /// The schedule database failed.
    public static var storage: Self { Self(rawValue: "storage") }
    /// Running the script or sending its data failed.
    public static var runFailed: Self { Self(rawValue: "run_failed") }
}
