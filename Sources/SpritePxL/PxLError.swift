import SpriteStore
/// The one error type of the PxL front end and of everything compiled from PxL scripts.
///
/// An error carries a stable ``Code``, a human-readable message and the 1-based line and column
/// it refers to. Errors raised by the parser already carry the offending source line, so their
/// ``description`` renders a caret diagnostic:
///
/// ```
/// error: expected an expression, found ']'
///   --> script.pxl:3:16
/// 3 | df = df[df.x > ]
///   |                ^
/// ```
///
/// Later stages (the compiler) can create an error from a node's ``SourceLocation`` and attach the
/// source afterwards with ``attachingSource(_:fileName:)`` or render it with
/// ``rendered(source:fileName:)``.
public struct PxLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable error category. Its `rawValue` never changes between releases.
    public typealias Code = ErrorCode<PxLError>

    /// The category of the error.
    public var code: Code
    /// The message, without location, e.g. `PxL does not support 'for' loops; use dataframe operations instead`.
    public var message: String
    /// The 1-based line the error refers to, or 0 when the error has no location.
    public var line: Int
    /// The 1-based column (in Unicode scalars) the error refers to, or 0 when it has no location.
    public var column: Int
    /// The name of the script file, if known; rendered as `<script>` otherwise.
    public var fileName: String?
    /// The text of line ``line`` of the script (without its line break), if attached.
    public var sourceLine: String?

    /// Creates an error with an explicit line and column.
    public init(
        code: Code,
        message: String,
        line: Int,
        column: Int,
        fileName: String? = nil,
        sourceLine: String? = nil
    ) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.fileName = fileName
        self.sourceLine = sourceLine
    }

    /// Creates an error located at `location` (typically the location of an AST node or token).
    public init(_ code: Code, _ message: String, at location: SourceLocation) {
        self.init(code: code, message: message, line: location.line, column: location.column)
    }

    /// The location of the error (byte offset unknown, reported as 0).
    public var location: SourceLocation {
        SourceLocation(line: line, column: column)
    }
}

extension ErrorCode where Domain == PxLError {
    /// The script is not well-formed PxL (tokenizer or parser error).
    public static var syntax: Self { Self(rawValue: "syntax") }
    /// The script uses a Python construct that PxL deliberately does not support.
    public static var unsupported: Self { Self(rawValue: "unsupported") }
    /// A name (variable, function, module member) is not defined.
    public static var unknownName: Self { Self(rawValue: "unknownName") }
    /// A dataframe column does not exist.
    public static var unknownColumn: Self { Self(rawValue: "unknownColumn") }
    /// Operand or argument types do not fit the operation.
    public static var typeMismatch: Self { Self(rawValue: "typeMismatch") }
    /// A call received a missing, extra or invalid argument.
    public static var badArgument: Self { Self(rawValue: "badArgument") }
    /// An error raised while executing a compiled script.
    public static var runtime: Self { Self(rawValue: "runtime") }
}
