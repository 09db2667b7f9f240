import SpriteEngine
import SpriteStore

extension Interpreter {
    func evaluate(_ e: Expression) throws(PxLError) -> PxValue {
        switch e.kind {
        case .name(let n): return try lookup(n, at: e.location)
        case .string(let s): return .string(s)
        case .integer(let i): return .int(i)
        case .float(let f): return .float(f)
        case .boolean(let b): return .bool(b)
        case .none: return .none
        case .list(let items): return .list(try items.map { (x) throws(PxLError) in try evaluate(x) })
        case .tuple(let items): return .tuple(try items.map { (x) throws(PxLError) in try evaluate(x) })
        case .dictionary(let entries):
            var out: [(key: PxValue, value: PxValue)] = []
            for entry in entries { out.append((try evaluate(entry.key), try evaluate(entry.value))) }
            return .dict(out)
        case .attribute(let base, let name):
            return try attribute(of: try evaluate(base), name.name, at: name.location)
        case .subscript(let base, let index):
            return try self.index(try evaluate(base), index, at: e.location)
        case .call(let callee, let arguments):
            let f = try evaluate(callee)
            var positional: [(PxValue, SourceLocation)] = []
            var keywords: [(String, PxValue, SourceLocation)] = []
            for a in arguments {
                let v = try evaluate(a.value)
                if let label = a.label {
                    guard !keywords.contains(where: { $0.0 == label.name }) else {
                        throw PxLError(.badArgument, "keyword argument '\(label.name)' repeated", at: label.location)
                    }
                    keywords.append((label.name, v, a.value.location))
                } else {
                    guard keywords.isEmpty else {
                        throw PxLError(.syntax, "positional argument follows keyword argument", at: a.location)
                    }
                    positional.append((v, a.value.location))
                }
            }
            return try invoke(f, Arguments(positional: positional, keywords: keywords, location: e.location, callee: callee.location))
        case .unary(let op, let operand):
            return try unary(op, try evaluate(operand), at: e.location)
        case .binary(let op, let l, let r):
            return try binary(op, try evaluate(l), try evaluate(r), at: e.location, left: l.location, right: r.location)
        }
    }

    func invoke(_ f: PxValue, _ args: Arguments) throws(PxLError) -> PxValue {
        switch f {
        case .builtin(let name): return try callBuiltin(name, args)
        case .method(let df, let name): return try callMethod(df, name, args)
        case .groupByMethod(let df, let keys, let name): return try callGroupByMethod(df, keys, name, args)
        case .function(let box): return try call(box, args.positional.map(\.0), keywords: args.keywords, at: args.location)
        default: throw PxLError(.typeMismatch, "\(f.kindName) is not callable", at: args.callee)
        }
    }

    // MARK: - Attributes and subscripts

    func attribute(of base: PxValue, _ name: String, at location: SourceLocation) throws(PxLError) -> PxValue {
        switch base {
        case .module(let m):
            return try member(of: m, name, at: location)
        case .dataFrame(let df):
            if DataFrameMethods.names.contains(name) { return .method(df, name) }
            if name == "ctx" { return .context(df) }
            return try columnReference(name, in: df, at: location)
        case .groupBy(let df, let keys):
            guard name == "agg" else {
                throw PxLError(.unknownName, "a grouped DataFrame only has .agg(...), not '.\(name)'", at: location)
            }
            return .groupByMethod(df, keys, name)
        default:
            throw PxLError(.unknownName, "\(base.kindName) has no attribute '\(name)'", at: location)
        }
    }

    func columnReference(_ name: String, in df: DataFrame, at location: SourceLocation) throws(PxLError) -> PxValue {
        guard df.columnNames.contains(name) else {
            var message = "Column '\(name)' not found"
            if let near = NameSuggestion.closest(to: name, in: df.columnNames) { message += "; did you mean '\(near)'?" }
            message += "; columns: \(df.columnNames.joined(separator: ", "))"
            throw PxLError(.unknownColumn, message, at: location)
        }
        return .column(.column(name))
    }

    func index(_ base: PxValue, _ indexExpression: Expression, at location: SourceLocation) throws(PxLError) -> PxValue {
        let index = try evaluate(indexExpression)
        switch (base, index) {
        case (.dataFrame(let df), .string(let name)):
            return try columnReference(name, in: df, at: indexExpression.location)
        case (.dataFrame(let df), .list(let items)):
            var names: [String] = []
            for item in items {
                guard case .string(let n) = item else {
                    throw PxLError(.typeMismatch, "a projection takes a list of column names (strings)", at: indexExpression.location)
                }
                _ = try columnReference(n, in: df, at: indexExpression.location)
                names.append(n)
            }
            return .dataFrame(try frame(.map(df.plan, names.map { NamedExpr($0, .column($0)) }), at: indexExpression.location))
        case (.dataFrame(let df), .column(let predicate)):
            return .dataFrame(try frame(.filter(df.plan, predicate), at: indexExpression.location))
        case (.dataFrame, .bool(let b)):
            throw PxLError(.typeMismatch, "a filter needs a column expression, got the constant \(b ? "True" : "False")", at: indexExpression.location)
        case (.context(let df), .string(let key)):
            return try metadata(key, of: df, at: indexExpression.location)
        case (.list(let items), .int(let i)), (.tuple(let items), .int(let i)):
            let k = i < 0 ? Int(i) + items.count : Int(i)
            guard k >= 0 && k < items.count else { throw PxLError(.badArgument, "index \(i) out of range", at: indexExpression.location) }
            return items[k]
        case (.dict(let entries), _):
            for entry in entries where Self.sameConstant(entry.key, index) { return entry.value }
            throw PxLError(.badArgument, "key not found in dict", at: indexExpression.location)
        default:
            throw PxLError(.typeMismatch, "cannot index \(base.kindName) with \(index.kindName)", at: indexExpression.location)
        }
    }

    static func sameConstant(_ a: PxValue, _ b: PxValue) -> Bool {
        switch (a.literal, b.literal) {
        case (let x?, let y?): x == y
        default: false
        }
    }

    /// `df.ctx[key]`: process metadata derived from the frame's `upid` column.
    func metadata(_ key: String, of df: DataFrame, at location: SourceLocation) throws(PxLError) -> PxValue {
        let function: String?
        switch key {
        case "upid": return try columnReference("upid", in: df, at: location)
        case "pid": function = "upid_to_pid"
        case "asid": function = "upid_to_asid"
        case "cmdline", "cmd": function = "upid_to_cmdline"
        case "hostname": function = "upid_to_hostname"
        case "container", "container_name": function = "upid_to_container_name"
        case "container_id": function = "upid_to_container_id"
        case "service", "service_name": function = "upid_to_service_name"
        case "pod", "pod_name": function = "upid_to_pod_name"
        case "namespace": function = "upid_to_namespace"
        case "node", "node_name": function = "upid_to_node_name"
        default: function = nil
        }
        guard let function else {
            throw PxLError(.badArgument, "unknown metadata key '\(key)'; known: upid, pid, asid, cmdline, hostname, container, container_id, service, pod, namespace, node", at: location)
        }
        guard df.columnNames.contains("upid") else {
            throw PxLError(.unknownColumn, "df.ctx['\(key)'] needs a 'upid' column, which this DataFrame does not have", at: location)
        }
        return try checked(.call(function, [.column("upid")]), in: df, at: location)
    }

    /// A column expression, type-checked against `df` (errors at `location`).
    func checked(_ expr: Expr, in df: DataFrame, at location: SourceLocation) throws(PxLError) -> PxValue {
        do {
            _ = try binder.bind(expr, to: df.schema)
        } catch {
            throw PxLError(Self.code(for: error), error.message, at: location)
        }
        return .column(expr)
    }

    // MARK: - Operators

    func unary(_ op: UnaryOperator, _ v: PxValue, at location: SourceLocation) throws(PxLError) -> PxValue {
        switch (op, v) {
        case (.negate, .int(let i)): return .int(0 &- i)
        case (.negate, .float(let f)): return .float(-f)
        case (.negate, .duration(let d)): return .duration(-d)
        case (.plus, .int), (.plus, .float), (.plus, .duration): return v
        case (.not, .bool(let b)): return .bool(!b)
        case (.negate, .column(let e)): return .column(.call("negate", [e]))
        case (.plus, .column): return v
        case (.not, .column(let e)): return .column(.call("logicalNot", [e]))
        default:
            throw PxLError(.typeMismatch, "bad operand for unary '\(op.rawValue)': \(v.kindName)", at: location)
        }
    }

    func binary(_ op: BinaryOperator, _ l: PxValue, _ r: PxValue, at location: SourceLocation,
                left: SourceLocation, right: SourceLocation) throws(PxLError) -> PxValue {
        if let folded = try fold(op, l, r, at: location) { return folded }
        guard let le = l.expr else { throw PxLError(.typeMismatch, "unsupported operand for '\(op.rawValue)': \(l.kindName)", at: left) }
        guard let re = r.expr else { throw PxLError(.typeMismatch, "unsupported operand for '\(op.rawValue)': \(r.kindName)", at: right) }
        let name: String
        switch op {
        case .or: name = "logicalOr"
        case .and: name = "logicalAnd"
        case .equal: name = "equal"
        case .notEqual: name = "notEqual"
        case .less: name = "lessThan"
        case .lessOrEqual: name = "lessThanEqual"
        case .greater: name = "greaterThan"
        case .greaterOrEqual: name = "greaterThanEqual"
        case .add: name = "add"
        case .subtract: name = "subtract"
        case .multiply: name = "multiply"
        case .divide: name = "divide"
        case .modulo: name = "modulo"
        }
        return .column(.call(name, [le, re]))
    }

    /// Evaluates an operator on two constants; `nil` when either side is a column.
    func fold(_ op: BinaryOperator, _ l: PxValue, _ r: PxValue, at location: SourceLocation) throws(PxLError) -> PxValue? {
        if case .column = l { return nil }
        if case .column = r { return nil }
        func bad() -> PxLError {
            PxLError(.typeMismatch, "unsupported operands for '\(op.rawValue)': \(l.kindName) and \(r.kindName)", at: location)
        }
        switch op {
        case .and, .or:
            guard case .bool(let a) = l, case .bool(let b) = r else { throw bad() }
            return .bool(op == .and ? a && b : a || b)
        case .equal: return .bool(Self.sameConstant(l, r))
        case .notEqual: return .bool(!Self.sameConstant(l, r))
        default: break
        }
        switch (l, r) {
        case (.int(let a), .int(let b)):
            switch op {
            case .add: return .int(a &+ b)
            case .subtract: return .int(a &- b)
            case .multiply: return .int(a &* b)
            case .divide:
                guard b != 0 else { throw PxLError(.runtime, "division by zero", at: location) }
                return .float(Double(a) / Double(b))
            case .modulo:
                guard b != 0 else { throw PxLError(.runtime, "modulo by zero", at: location) }
                return .int(a % b)
            default: return .bool(Self.compare(op, a, b))
            }
        case (.int, .float), (.float, .int), (.float, .float):
            let a = Self.double(l)!, b = Self.double(r)!
            switch op {
            case .add: return .float(a + b)
            case .subtract: return .float(a - b)
            case .multiply: return .float(a * b)
            case .divide: return .float(a / b)
            case .modulo: return .float(a.truncatingRemainder(dividingBy: b))
            default: return .bool(Self.compare(op, a, b))
            }
        case (.string(let a), .string(let b)):
            if op == .add { return .string(a + b) }
            if op.isComparison { return .bool(Self.compare(op, a, b)) }
            throw bad()
        case (.time(let t), .duration(let d)):
            if op == .add { return .time(t &+ d) }
            if op == .subtract { return .time(t &- d) }
            throw bad()
        case (.duration(let d), .time(let t)) where op == .add:
            return .time(t &+ d)
        case (.time(let a), .time(let b)):
            if op == .subtract { return .duration(a &- b) }
            if op.isComparison { return .bool(Self.compare(op, a, b)) }
            throw bad()
        case (.duration(let a), .duration(let b)):
            switch op {
            case .add: return .duration(a &+ b)
            case .subtract: return .duration(a &- b)
            default: if op.isComparison { return .bool(Self.compare(op, a, b)) }
            }
            throw bad()
        case (.duration(let d), .int(let k)), (.int(let k), .duration(let d)):
            if op == .multiply { return .duration(d &* k) }
            if case .duration = l, op == .divide, k != 0 { return .duration(d / k) }
            throw bad()
        default:
            if l.literal == nil || r.literal == nil { throw bad() }
            return nil  // e.g. time and int: let the engine decide
        }
    }

    static func double(_ v: PxValue) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .float(let f): f
        default: nil
        }
    }

    static func compare<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool {
        switch op {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        case .equal: a == b
        case .notEqual: a != b
        default: false
        }
    }
}

/// The evaluated arguments of a call.
struct Arguments {
    var positional: [(PxValue, SourceLocation)]
    var keywords: [(String, PxValue, SourceLocation)]
    /// Where the call is, and where its callee is.
    var location: SourceLocation
    var callee: SourceLocation

    /// Argument `name`, given by keyword or at `position`.
    func value(_ name: String, position: Int?) -> (PxValue, SourceLocation)? {
        if let k = keywords.first(where: { $0.0 == name }) { return (k.1, k.2) }
        if let position, position < positional.count { return positional[position] }
        return nil
    }

    /// Fails on keywords other than `allowed` and on more than `maxPositional` positional arguments.
    func check(_ function: String, allowed: [String], maxPositional: Int) throws(PxLError) {
        if let k = keywords.first(where: { !allowed.contains($0.0) }) {
            throw PxLError(.badArgument, "\(function)() got an unexpected keyword argument '\(k.0)'; it takes: \(allowed.joined(separator: ", "))", at: k.2)
        }
        if positional.count > maxPositional {
            throw PxLError(.badArgument, "\(function)() takes at most \(maxPositional) positional arguments, got \(positional.count)", at: positional[maxPositional].1)
        }
    }
}
