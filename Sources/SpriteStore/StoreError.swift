/// The one error type of the table store: a stable code and a message a user can act on.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable identifiers for the kinds of store errors.
    public typealias Code = ErrorCode<StoreError>

    /// What went wrong, as a stable code.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}

extension ErrorCode where Domain == StoreError {
    /// The named table does not exist.
    public static var unknownTable: Self { Self(rawValue: "unknown_table") }
    /// The named column does not exist in the table.
    public static var unknownColumn: Self { Self(rawValue: "unknown_column") }
    /// A batch or value does not match the table's schema.
    public static var schemaMismatch: Self { Self(rawValue: "schema_mismatch") }
    /// A value could not be parsed as the column's type.
    public static var badValue: Self { Self(rawValue: "bad_value") }
    /// A table is declared twice with different schemas.
    public static var tableExists: Self { Self(rawValue: "table_exists") }
    /// A configuration value is out of range.
    public static var badConfiguration: Self { Self(rawValue: "bad_configuration") }
}
