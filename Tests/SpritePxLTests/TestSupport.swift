import Testing

@testable import SpritePxL

/// Parses `source` and returns the module, recording an issue on failure.
func parseModule(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Module {
    do {
        return try PxLParser.parse(source)
    } catch {
        Issue.record("unexpected parse error:\n\(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Parses `source` as a single expression statement and returns the expression.
func parseExpression(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
    -> Expression
{
    let module = try parseModule(source, sourceLocation: sourceLocation)
    guard module.statements.count == 1, case .expression(let expression) = module.statements[0].kind else {
        Issue.record("expected one expression statement, got \(module)", sourceLocation: sourceLocation)
        throw PxLError(.syntax, "not an expression", at: SpritePxL.SourceLocation(line: 0, column: 0))
    }
    return expression
}

/// The error thrown by parsing `source`, or `nil` (with a recorded issue) if it parses.
func parseError(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> PxLError? {
    do {
        let module = try PxLParser.parse(source)
        Issue.record("expected an error, parsed: \(module)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A compact `line:column` pair for location assertions.
struct Position: Equatable, CustomStringConvertible {
    var line: Int
    var column: Int
    init(_ line: Int, _ column: Int) {
        self.line = line
        self.column = column
    }
    init(_ location: SpritePxL.SourceLocation) {
        self.init(location.line, location.column)
    }
    var description: String { "\(line):\(column)" }
}

/// Token kinds of `source`, for lexer tests.
func tokenKinds(_ source: String) throws -> [Token.Kind] {
    try Lexer.tokenize(source).tokens.map(\.kind)
}

/// A small deterministic random number generator (SplitMix64) for reproducible fuzzing.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) {
        state = seed
    }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
