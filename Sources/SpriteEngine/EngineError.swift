import SpriteStore
/// The one error type of the engine: a stable code and a message a user can act on.
///
/// Binding (type checking) and execution both throw it. The PxL compiler attaches the source
/// position of the expression or call that failed.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable identifiers for the kinds of engine errors.
    public typealias Code = ErrorCode<EngineError>

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

extension ErrorCode where Domain == EngineError {
    /// A column name does not exist in the input of an operator.
    public static var unknownColumn: Self { Self(rawValue: "unknown_column") }
    /// A table does not exist.
    public static var unknownTable: Self { Self(rawValue: "unknown_table") }
    /// A function or aggregate name is not registered.
    public static var unknownFunction: Self { Self(rawValue: "unknown_function") }
    /// A function, aggregate or operator cannot take the argument types given.
    public static var typeMismatch: Self { Self(rawValue: "type_mismatch") }
    /// An argument must be a constant (e.g. a regular expression) but is a column.
    public static var notConstant: Self { Self(rawValue: "not_constant") }
    /// A value is out of range or malformed (e.g. a bad regular expression).
    public static var badArgument: Self { Self(rawValue: "bad_argument") }
    /// A plan is malformed (e.g. duplicate output names, a union of unlike schemas).
    public static var invalidPlan: Self { Self(rawValue: "invalid_plan") }
    /// A query exceeded a limit (memory, groups, rows).
    public static var limitExceeded: Self { Self(rawValue: "limit_exceeded") }
    /// A serialized partial aggregate state could not be read.
    public static var corruptState: Self { Self(rawValue: "corrupt_state") }
}
