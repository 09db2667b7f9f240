import SpriteStore

/// The aggregates (UDAs) a plan can use, by Pixie name without `px.`.
public final class AggregateRegistry: Sendable {
    private let functions: [String: AggregateFunction]

    public init(_ functions: [AggregateFunction]) {
        var m: [String: AggregateFunction] = [:]
        for f in functions { m[f.name] = f }
        self.functions = m
    }

    /// All function names, sorted.
    public var names: [String] { functions.keys.sorted() }

    /// The aggregate called `name`.
    public func function(named name: String) -> AggregateFunction? { functions[name] }

    /// The aggregate called `name`, or an error suggesting the closest known name.
    public func require(_ name: String) throws(EngineError) -> AggregateFunction {
        if let f = functions[name] { return f }
        var message = "Unknown aggregate 'px.\(name)'"
        if let s = NameSuggestion.closest(to: name, in: Array(functions.keys)) { message += "; did you mean 'px.\(s)'?" }
        throw EngineError(.unknownFunction, message)
    }

    static let numeric: [DataType] = [.int64, .float64, .boolean]
    static let keepSemantic: Set<SemanticType> = [.bytes, .percent, .durationNanos]

    /// `count`, `sum`, `mean`, `min`, `max`, `any`, `quantiles`.
    public static let standard = AggregateRegistry([
        AggregateFunction(name: "count", documentation: "The number of rows.", inputTypes: DataType.allCases,
                          result: { _, _ in (.int64, .none) }, state: { _ in CountState() }),
        AggregateFunction(name: "sum", documentation: "The sum of the values.", inputTypes: numeric,
                          result: { t, s in (t == .float64 ? .float64 : .int64, keepSemantic.contains(s) ? s : .none) },
                          state: { t in SumState(isFloat: t == .float64) }),
        AggregateFunction(name: "mean", documentation: "The mean of the values (BOOLEAN: the share of trues).", inputTypes: numeric,
                          result: { _, s in (.float64, keepSemantic.contains(s) ? s : .none) },
                          state: { _ in MeanState() }),
        AggregateFunction(name: "min", documentation: "The smallest value.", inputTypes: [.int64, .float64, .time64ns],
                          result: { t, s in (t, s) }, state: { t in MinMaxState(isMax: false, isFloat: t == .float64) }),
        AggregateFunction(name: "max", documentation: "The largest value.", inputTypes: [.int64, .float64, .time64ns],
                          result: { t, s in (t, s) }, state: { t in MinMaxState(isMax: true, isFloat: t == .float64) }),
        AggregateFunction(name: "any", documentation: "Any one value of the group.", inputTypes: DataType.allCases,
                          result: { t, s in (t, s) }, state: { t in AnyState(type: t) }),
        AggregateFunction(name: "quantiles", documentation: "p01, p10, p25, p50, p75, p90 and p99 as JSON, within 1% relative error.",
                          inputTypes: [.int64, .float64],
                          result: { _, s in (.string, s == .durationNanos ? .durationNanosQuantiles : .quantiles) },
                          state: { _ in QuantilesState() }),
    ])
}
