/// The reserved words of PxL: all of Python's keywords, so that unsupported constructs
/// (`for`, `lambda`, `class`, ...) are recognized and rejected with a specific message.
public enum Keyword: String, Sendable, Hashable, CaseIterable {
    case `false` = "False"
    case none = "None"
    case `true` = "True"
    case and
    case `as`
    case assert
    case async
    case await
    case `break`
    case `class`
    case `continue`
    case def
    case del
    case elif
    case `else`
    case except
    case finally
    case `for`
    case from
    case global
    case `if`
    case `import`
    case `in`
    case `is`
    case lambda
    case nonlocal
    case not
    case or
    case pass
    case raise
    case `return`
    case `try`
    case `while`
    case with
    case yield
}
