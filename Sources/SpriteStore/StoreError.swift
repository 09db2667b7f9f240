/// The one error type of the table store: a stable code and a message a user can act on.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable identifiers for the kinds of store errors.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The named table does not exist.
        public static let unknownTable = Code(rawValue: "unknown_table")
        /// The named column does not exist in the table.
        public static let unknownColumn = Code(rawValue: "unknown_column")
        /// A batch or value does not match the table's schema.
        public static let schemaMismatch = Code(rawValue: "schema_mismatch")
        /// A value could not be parsed as the column's type.
        public static let badValue = Code(rawValue: "bad_value")
        /// A table is declared twice with different schemas.
        public static let tableExists = Code(rawValue: "table_exists")
        /// A configuration value is out of range.
        public static let badConfiguration = Code(rawValue: "bad_configuration")
    }

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
