import SpriteEngine
import SpriteStore

/// A value while a PxL script is interpreted: Python constants, the `px` module and its members,
/// data frames (a plan with its schema) and column expressions over them.
indirect enum PxValue {
    case none
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    /// An absolute time, ns since the epoch (`px.now()`, parsed times).
    case time(Int64)
    /// A length of time in ns (`px.minutes(5)`).
    case duration(Int64)
    case list([PxValue])
    case tuple([PxValue])
    case dict([(key: PxValue, value: PxValue)])
    /// A module or namespace such as `px` or `px.otel`.
    case module(String)
    /// A member of `px` that can be called or passed, by qualified name (`px.count`).
    case builtin(String)
    case dataFrame(DataFrame)
    /// An expression over the columns of a data frame.
    case column(Expr)
    /// A data frame method, bound to its frame.
    case method(DataFrame, String)
    /// `df.groupby(keys)`, waiting for `.agg(...)`.
    case groupBy(DataFrame, [String])
    case groupByMethod(DataFrame, [String], String)
    /// `df.ctx`, waiting for a metadata key.
    case context(DataFrame)
    /// A function defined in the script.
    case function(FunctionDefinitionBox)
    /// A `px.otel` description (`Data`, `Endpoint`, `metric.Gauge`, ...) with its arguments.
    case otel(OTelCall)

    /// A short name of the value's kind, for error messages.
    var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .time: "time"
        case .duration: "duration"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .module(let m): "module '\(m)'"
        case .builtin(let b): "function '\(b)'"
        case .dataFrame: "DataFrame"
        case .column: "column expression"
        case .method(_, let m): "DataFrame method '\(m)'"
        case .groupBy: "grouped DataFrame"
        case .groupByMethod(_, _, let m): "grouped DataFrame method '\(m)'"
        case .context: "DataFrame context"
        case .function(let f): "function '\(f.definition.name.name)'"
        case .otel(let o): "px.\(o.kind)"
        }
    }

    /// The value as a literal for a column expression, if it is a constant.
    var literal: Value? {
        switch self {
        case .bool(let b): .boolean(b)
        case .int(let i): .int64(i)
        case .float(let f): .float64(f)
        case .string(let s): .string(s)
        case .time(let t): .time64ns(t)
        case .duration(let d): .int64(d)
        default: nil
        }
    }

    /// The value as a column expression: columns as they are, constants as literals.
    var expr: Expr? {
        if case .column(let e) = self { return e }
        return literal.map { .literal($0) }
    }
}

/// A user-defined function (boxed: the AST is large and values are copied around).
final class FunctionDefinitionBox {
    let definition: FunctionDefinition
    init(_ d: FunctionDefinition) { definition = d }
}

/// A data frame while a script is interpreted: the plan that produces it and its output schema,
/// checked when the frame was made.
struct DataFrame {
    var plan: LogicalPlan
    var schema: Schema

    var columnNames: [String] { schema.fields.map(\.name) }
}
