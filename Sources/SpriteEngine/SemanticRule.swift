import SpriteStore

/// How a function's result semantic type follows from its arguments'.
public enum SemanticRule: Sendable, Hashable {
    /// No semantic type.
    case none
    /// Always this semantic type (casts such as `px.DurationNanos`, `px.now`).
    case fixed(SemanticType)
    /// The semantic type the listed arguments share, if it is one of `allowed` (arguments
    /// without one, such as constants, are ignored); otherwise none. Pixie's "inherit from args".
    case inherit(arguments: [Int], allowed: Set<SemanticType>)
    /// One value plucked from a quantiles JSON: `ST_DURATION_NS` when the argument holds
    /// `ST_DURATION_NS_QUANTILES`, else none.
    case quantileValue(argument: Int)

    func resolve(_ args: [SemanticType]) -> SemanticType {
        switch self {
        case .none: return .none
        case .fixed(let s): return s
        case .inherit(let indices, let allowed):
            var found: SemanticType?
            for i in indices where i < args.count && args[i] != .none {
                if let f = found, f != args[i] { return .none }
                found = args[i]
            }
            guard let f = found, allowed.contains(f) else { return .none }
            return f
        case .quantileValue(let i):
            return i < args.count && args[i] == .durationNanosQuantiles ? .durationNanos : .none
        }
    }
}
