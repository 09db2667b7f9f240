import SpriteEngine
import SpriteStore

/// The data frame methods PxL supports.
enum DataFrameMethods {
    static let names: Set<String> = ["groupby", "agg", "merge", "append", "drop", "head", "stream"]
}

extension Interpreter {
    func callMethod(_ df: DataFrame, _ name: String, _ args: Arguments) throws(PxLError) -> PxValue {
        switch name {
        case "groupby":
            try args.check("groupby", allowed: ["by"], maxPositional: 1)
            guard let (v, at) = args.value("by", position: 0) else {
                throw PxLError(.badArgument, "groupby() needs the key column(s): df.groupby('col') or df.groupby(['a', 'b'])", at: args.location)
            }
            let keys = try stringList(v, what: "groupby keys", at: at)
            for k in keys { _ = try columnReference(k, in: df, at: at) }
            return .groupBy(df, keys)
        case "agg":
            return try aggregate(df, keys: [], args)
        case "merge":
            return try merge(df, args)
        case "append":
            try args.check("append", allowed: ["objs", "other"], maxPositional: 1)
            guard let (v, at) = args.value("other", position: 0) ?? args.value("objs", position: nil) else {
                throw PxLError(.badArgument, "append() needs a DataFrame: df.append(other)", at: args.location)
            }
            var others: [DataFrame] = []
            switch v {
            case .dataFrame(let o): others = [o]
            case .list(let items):
                for item in items {
                    guard case .dataFrame(let o) = item else { throw PxLError(.typeMismatch, "append() takes DataFrames", at: at) }
                    others.append(o)
                }
            default: throw PxLError(.typeMismatch, "append() takes a DataFrame, got \(v.kindName)", at: at)
            }
            return .dataFrame(try frame(.union([df.plan] + others.map(\.plan)), at: at))
        case "drop":
            try args.check("drop", allowed: ["columns"], maxPositional: 1)
            guard let (v, at) = args.value("columns", position: 0) else {
                throw PxLError(.badArgument, "drop() needs the column(s) to drop: df.drop(['a', 'b'])", at: args.location)
            }
            let dropped = try stringList(v, what: "columns to drop", at: at)
            for c in dropped { _ = try columnReference(c, in: df, at: at) }
            let kept = df.columnNames.filter { !dropped.contains($0) }
            return .dataFrame(try frame(.map(df.plan, kept.map { NamedExpr($0, .column($0)) }), at: at))
        case "head":
            try args.check("head", allowed: ["n"], maxPositional: 1)
            var n: Int64 = 5
            if let (v, at) = args.value("n", position: 0) {
                guard case .int(let k) = v, k >= 0 else { throw PxLError(.badArgument, "head() takes a non-negative int", at: at) }
                n = k
            }
            return .dataFrame(try frame(.limit(df.plan, Int(n)), at: args.location))
        case "stream":
            return .dataFrame(df)  // Pixie's streaming mode: results are returned once here
        default:
            throw PxLError(.unknownName, "DataFrame has no method '\(name)'", at: args.callee)
        }
    }

    func callGroupByMethod(_ df: DataFrame, _ keys: [String], _ name: String, _ args: Arguments) throws(PxLError) -> PxValue {
        try aggregate(df, keys: keys, args)
    }

    /// `df.groupby(keys).agg(out=('col', px.fn), ...)` and `df.agg(...)`.
    func aggregate(_ df: DataFrame, keys: [String], _ args: Arguments) throws(PxLError) -> PxValue {
        if let (_, at) = args.positional.first {
            throw PxLError(.badArgument, "agg() takes keyword arguments only: out_col=('in_col', px.fn)", at: at)
        }
        var calls: [AggregateCall] = []
        for (name, value, at) in args.keywords {
            guard case .tuple(let parts) = value, parts.count == 2,
                  case .string(let column) = parts[0], case .builtin(let fn) = parts[1] else {
                throw PxLError(.badArgument, "agg() arguments look like \(name)=('column', px.count), got \(value.kindName)", at: at)
            }
            _ = try columnReference(column, in: df, at: at)
            let function = fn.hasPrefix("px.") ? String(fn.dropFirst(3)) : fn
            let call = AggregateCall(name, function, column)
            _ = try frame(.aggregate(df.plan, keys: keys, aggregates: [call], mode: .full), at: at)  // errors point here
            calls.append(call)
        }
        if calls.isEmpty && keys.isEmpty {
            throw PxLError(.badArgument, "agg() needs at least one aggregate: out_col=('in_col', px.fn)", at: args.location)
        }
        return .dataFrame(try frame(.aggregate(df.plan, keys: keys, aggregates: calls, mode: .full), at: args.location))
    }

    func merge(_ df: DataFrame, _ args: Arguments) throws(PxLError) -> PxValue {
        try args.check("merge", allowed: ["right", "how", "left_on", "right_on", "suffixes", "on"], maxPositional: 1)
        guard let (rv, rat) = args.value("right", position: 0), case .dataFrame(let right) = rv else {
            throw PxLError(.badArgument, "merge() needs the right DataFrame: df.merge(other, how='inner', left_on=..., right_on=...)", at: args.location)
        }
        _ = rat
        var how = JoinType.inner
        if let (v, at) = args.value("how", position: nil) {
            guard case .string(let s) = v, let t = JoinType(rawValue: s) else {
                throw PxLError(.badArgument, "how must be one of 'inner', 'left', 'right', 'outer'", at: at)
            }
            how = t
        }
        var leftOn: [String] = [], rightOn: [String] = []
        if let (v, at) = args.value("on", position: nil) {
            leftOn = try stringList(v, what: "on", at: at); rightOn = leftOn
        }
        if let (v, at) = args.value("left_on", position: nil) { leftOn = try stringList(v, what: "left_on", at: at) }
        if let (v, at) = args.value("right_on", position: nil) { rightOn = try stringList(v, what: "right_on", at: at) }
        guard !leftOn.isEmpty, leftOn.count == rightOn.count else {
            throw PxLError(.badArgument, "merge() needs left_on and right_on with the same number of columns", at: args.location)
        }
        var suffixes = JoinSuffixes()
        if let (v, at) = args.value("suffixes", position: nil) {
            let s = try stringList(v, what: "suffixes", at: at)
            guard s.count == 2 else { throw PxLError(.badArgument, "suffixes takes two strings, e.g. ['_x', '_y']", at: at) }
            suffixes = JoinSuffixes(s[0], s[1])
        }
        for c in leftOn { _ = try columnReference(c, in: df, at: args.location) }
        for c in rightOn { _ = try columnReference(c, in: right, at: args.location) }
        return .dataFrame(try frame(.join(left: df.plan, right: right.plan, how: how, leftOn: leftOn, rightOn: rightOn, suffixes: suffixes), at: args.location))
    }

    /// A string or a list of strings, as a list.
    func stringList(_ v: PxValue, what: String, at location: SourceLocation) throws(PxLError) -> [String] {
        switch v {
        case .string(let s): return [s]
        case .list(let items), .tuple(let items):
            var out: [String] = []
            for i in items {
                guard case .string(let s) = i else { throw PxLError(.typeMismatch, "\(what) must be strings, got \(i.kindName)", at: location) }
                out.append(s)
            }
            return out
        default:
            throw PxLError(.typeMismatch, "\(what) must be a string or a list of strings, got \(v.kindName)", at: location)
        }
    }
}
