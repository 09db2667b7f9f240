import SpriteStore

/// The scalar functions (UDFs) a plan can call, by Pixie name without `px.`.
///
/// ``standard`` holds every built-in function: string, math, time, JSON, URI, process metadata,
/// the operators (`add`, `equal`, `logicalAnd`, ...) and the semantic casts (`DurationNanos`, ...).
public final class FunctionRegistry: Sendable {
    private let functions: [String: ScalarFunction]

    /// A registry of the given functions (later duplicates replace earlier ones).
    public init(_ functions: [ScalarFunction]) {
        var m: [String: ScalarFunction] = [:]
        for f in functions { m[f.name] = f }
        self.functions = m
    }

    /// Every built-in function.
    public static let standard = FunctionRegistry(FunctionRegistry.builtins)

    /// All function names, sorted.
    public var names: [String] { functions.keys.sorted() }

    /// The function called `name`.
    public func function(named name: String) -> ScalarFunction? { functions[name] }

    /// The function called `name`, or an error suggesting the closest known name.
    public func require(_ name: String) throws(EngineError) -> ScalarFunction {
        if let f = functions[name] { return f }
        var message = "Unknown function 'px.\(name)'"
        if let s = NameSuggestion.closest(to: name, in: Array(functions.keys)) { message += "; did you mean 'px.\(s)'?" }
        throw EngineError(.unknownFunction, message)
    }

    static var builtins: [ScalarFunction] {
        operatorFunctions + mathFunctions + stringFunctions + timeFunctions + jsonFunctions
            + metadataFunctions + castFunctions + miscFunctions
    }
}
