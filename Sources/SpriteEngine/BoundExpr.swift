import SpriteStore

/// A type-checked expression: columns resolved to input positions, calls to overloads.
public indirect enum BoundExpr: Sendable {
    /// Input column `index`.
    case column(index: Int, field: Field)
    /// A constant of type `value.type` (`semanticType` is `none` unless a cast set it).
    case literal(Value, semanticType: SemanticType)
    /// A call of one overload of a registered function.
    case call(name: String, overload: ScalarOverload, arguments: [BoundExpr], semanticType: SemanticType)
    /// An implicit conversion inserted by the binder: `INT64` to `FLOAT64`, or between `INT64`
    /// and `TIME64NS`.
    case convert(BoundExpr, to: DataType)

    /// The result type.
    public var type: DataType {
        switch self {
        case .column(_, let f): f.type
        case .literal(let v, _): v.type
        case .call(_, let o, _, _): o.result
        case .convert(_, let t): t
        }
    }

    /// The result's semantic type.
    public var semanticType: SemanticType {
        switch self {
        case .column(_, let f): f.semanticType
        case .literal(_, let s): s
        case .call(_, _, _, let s): s
        case .convert(let e, let t): t == .float64 && e.type == .int64 ? e.semanticType : (t == .time64ns ? .none : e.semanticType)
        }
    }

    /// Whether the expression reads any string column (used to order filter conjuncts cheaply first).
    var touchesStrings: Bool {
        switch self {
        case .column(_, let f): f.type == .string
        case .literal: false
        case .call(_, _, let args, _): args.contains { $0.touchesStrings }
        case .convert(let e, _): e.touchesStrings
        }
    }
}
