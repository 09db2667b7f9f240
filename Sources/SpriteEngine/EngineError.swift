/// The one error type of the engine: a stable code and a message a user can act on.
///
/// Binding (type checking) and execution both throw it. The PxL compiler attaches the source
/// position of the expression or call that failed.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable identifiers for the kinds of engine errors.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A column name does not exist in the input of an operator.
        public static let unknownColumn = Code(rawValue: "unknown_column")
        /// A table does not exist.
        public static let unknownTable = Code(rawValue: "unknown_table")
        /// A function or aggregate name is not registered.
        public static let unknownFunction = Code(rawValue: "unknown_function")
        /// A function, aggregate or operator cannot take the argument types given.
        public static let typeMismatch = Code(rawValue: "type_mismatch")
        /// An argument must be a constant (e.g. a regular expression) but is a column.
        public static let notConstant = Code(rawValue: "not_constant")
        /// A value is out of range or malformed (e.g. a bad regular expression).
        public static let badArgument = Code(rawValue: "bad_argument")
        /// A plan is malformed (e.g. duplicate output names, a union of unlike schemas).
        public static let invalidPlan = Code(rawValue: "invalid_plan")
        /// A query exceeded a limit (memory, groups, rows).
        public static let limitExceeded = Code(rawValue: "limit_exceeded")
        /// A serialized partial aggregate state could not be read.
        public static let corruptState = Code(rawValue: "corrupt_state")
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
