import SpriteEngine
import SpriteStore

/// Runs a parsed script's statements, building plans for its data frames.
final class Interpreter {
    let compiler: PxLCompiler
    let module: Module
    let binder: Binder
    /// Module-level names.
    var globals: [String: PxValue] = [:]
    /// Names of the function being run, innermost last.
    var frames: [[String: PxValue]] = []
    /// Result tables produced by `px.display`, in order.
    var sinks: [(name: String, frame: DataFrame)] = []
    /// OTLP exports requested by `px.export`, in order.
    var exports: [CompiledExport] = []
    /// Whether the script read `px.plugin.start_time` or `end_time`.
    var usedPluginWindow = false
    var maxOutputRows: Int
    /// Nesting of user function calls, to stop runaway recursion.
    var callDepth = 0

    init(compiler: PxLCompiler, module: Module) {
        self.compiler = compiler
        self.module = module
        self.binder = Binder(catalog: compiler.catalog, functions: compiler.registry)
        self.maxOutputRows = compiler.defaultMaxOutputRows
    }

    func run(function: String?, arguments: [String: String]) throws(PxLError) -> CompiledScript {
        if let v = module.flags["max_output_rows_per_table"] {
            guard let n = Int(v), n > 0 else {
                let at = module.directives.first { $0.key == "max_output_rows_per_table" }?.location ?? SourceLocation(line: 1, column: 1)
                throw PxLError(.badArgument, "max_output_rows_per_table must be a positive integer, got '\(v)'", at: at)
            }
            maxOutputRows = n
        }
        for statement in module.statements {
            if try execute(statement) != nil {
                throw PxLError(.syntax, "'return' outside a function", at: statement.location)
            }
        }
        if let function {
            sinks = []  // function mode: only the function's result
            try runFunction(named: function, arguments: arguments)
        } else if sinks.isEmpty && exports.isEmpty {
            throw PxLError(.badArgument, "the script displays nothing: call px.display(df) for each result table, px.export(df, ...) to export, or name a function to run",
                           at: module.statements.last?.location ?? SourceLocation(line: 1, column: 1))
        }
        let plans = sinks.map { LogicalPlan.sink(.limit($0.frame.plan, maxOutputRows), name: $0.name) }
        return CompiledScript(plans: plans, flags: module.flags, exports: exports, usesPluginWindow: usedPluginWindow,
                              maxOutputRows: maxOutputRows)
    }

    // MARK: - Names

    func lookup(_ name: String, at location: SourceLocation) throws(PxLError) -> PxValue {
        if let v = frames.last?[name] ?? globals[name] { return v }
        switch name {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        default: break
        }
        var message = "name '\(name)' is not defined"
        if name == "px" { message += "; add 'import px' at the top of the script" }
        else if let near = NameSuggestion.closest(to: name, in: Array(globals.keys) + Array((frames.last ?? [:]).keys)) {
            message += "; did you mean '\(near)'?"
        }
        throw PxLError(.unknownName, message, at: location)
    }

    func bind(_ name: String, _ value: PxValue) {
        if frames.isEmpty { globals[name] = value } else { frames[frames.count - 1][name] = value }
    }

    // MARK: - Statements

    /// Runs one statement; returns the value of a `return`.
    func execute(_ statement: Statement) throws(PxLError) -> PxValue? {
        switch statement.kind {
        case .importModule(let names):
            for n in names {
                guard n.name == "px" || n.name.hasPrefix("px.") else {
                    throw PxLError(.unsupported, "only the 'px' module can be imported, not '\(n.name)'", at: n.location)
                }
                if let alias = n.alias { bind(alias, .module(n.name)) } else { bind("px", .module("px")) }
            }
        case .importFrom(let moduleName, let names):
            guard moduleName == "px" || moduleName.hasPrefix("px.") else {
                throw PxLError(.unsupported, "only the 'px' module can be imported, not '\(moduleName)'", at: statement.location)
            }
            for n in names {
                bind(n.boundName, try member(of: moduleName, n.name, at: n.location))
            }
        case .assignment(let target, let valueExpression):
            let value = try evaluate(valueExpression)
            try assign(value, to: target, valueLocation: valueExpression.location)
        case .expression(let e):
            _ = try evaluate(e)
        case .function(let f):
            bind(f.name.name, .function(FunctionDefinitionBox(f)))
        case .return(let e):
            return try e.map { (x) throws(PxLError) in try evaluate(x) } ?? PxValue.none
        case .pass:
            break
        }
        return nil
    }

    func assign(_ value: PxValue, to target: AssignmentTarget, valueLocation: SourceLocation) throws(PxLError) {
        switch target {
        case .name(let id):
            bind(id.name, value)
        case .attribute(let base, let name):
            try assignColumn(name.name, value, toFrameAt: base, location: name.location, valueLocation: valueLocation)
        case .subscript(let base, let index):
            guard case .string(let name) = try evaluate(index) else {
                throw PxLError(.badArgument, "a column is assigned with df['name'] = expression; the index must be a string", at: index.location)
            }
            try assignColumn(name, value, toFrameAt: base, location: index.location, valueLocation: valueLocation)
        }
    }

    /// `df.c = value`: the frame named by `base` gets column `c` (replaced in place if it exists).
    private func assignColumn(_ column: String, _ value: PxValue, toFrameAt base: Expression,
                              location: SourceLocation, valueLocation: SourceLocation) throws(PxLError) {
        guard case .name(let frameName) = base.kind else {
            throw PxLError(.unsupported, "columns can only be assigned on a named DataFrame (df.col = ...)", at: base.location)
        }
        guard case .dataFrame(let df) = try lookup(frameName, at: base.location) else {
            throw PxLError(.typeMismatch, "'\(frameName)' is not a DataFrame; cannot assign column '\(column)'", at: base.location)
        }
        guard let expr = value.expr else {
            throw PxLError(.typeMismatch, "cannot store a \(value.kindName) in column '\(column)'; expected a column expression or a constant", at: valueLocation)
        }
        var exprs = df.columnNames.map { NamedExpr($0, .column($0)) }
        if let i = df.columnNames.firstIndex(of: column) { exprs[i] = NamedExpr(column, expr) } else { exprs.append(NamedExpr(column, expr)) }
        bind(frameName, .dataFrame(try frame(.map(df.plan, exprs), at: valueLocation)))
    }

    // MARK: - Functions

    func runFunction(named name: String, arguments: [String: String]) throws(PxLError) {
        let start = SourceLocation(line: 1, column: 1)
        guard case .function(let box) = globals[name] else {
            let names = module.functions.map(\.name.name)
            var message = "the script has no function '\(name)'"
            message += names.isEmpty ? "" : "; functions: \(names.joined(separator: ", "))"
            throw PxLError(.unknownName, message, at: start)
        }
        let f = box.definition
        let known = Set(f.parameters.map(\.name.name))
        if let extra = arguments.keys.sorted().first(where: { !known.contains($0) }) {
            throw PxLError(.badArgument, "function '\(name)' has no parameter '\(extra)'; parameters: \(f.parameters.map(\.name.name).joined(separator: ", "))", at: f.name.location)
        }
        var values: [PxValue] = []
        for p in f.parameters {
            guard let text = arguments[p.name.name] else {
                throw PxLError(.badArgument, "missing argument '\(p.name.name)' for function '\(name)'", at: p.location)
            }
            values.append(try convert(text, toAnnotation: p.annotation, parameter: p))
        }
        let result = try call(box, values, keywords: [], at: f.name.location)
        guard case .dataFrame(let df) = result else {
            throw PxLError(.typeMismatch, "function '\(name)' must return a DataFrame, it returned \(result.kindName)", at: f.name.location)
        }
        sinks.append((name, df))
    }

    private func convert(_ text: String, toAnnotation annotation: Expression?, parameter: Parameter) throws(PxLError) -> PxValue {
        let type: String
        switch annotation?.kind {
        case .name(let n)?: type = n
        case .attribute(_, let n)?: type = n.name
        default: type = "str"
        }
        switch type {
        case "int":
            guard let v = Int64(text) else { throw PxLError(.badArgument, "argument '\(parameter.name.name)' must be an int, got '\(text)'", at: parameter.location) }
            return .int(v)
        case "float":
            guard let v = Double(text) else { throw PxLError(.badArgument, "argument '\(parameter.name.name)' must be a float, got '\(text)'", at: parameter.location) }
            return .float(v)
        case "bool":
            switch text.lowercased() {
            case "true", "1": return .bool(true)
            case "false", "0": return .bool(false)
            default: throw PxLError(.badArgument, "argument '\(parameter.name.name)' must be true or false, got '\(text)'", at: parameter.location)
            }
        default:
            return .string(text)
        }
    }

    func call(_ box: FunctionDefinitionBox, _ positional: [PxValue], keywords: [(String, PxValue, SourceLocation)],
              at location: SourceLocation) throws(PxLError) -> PxValue {
        let f = box.definition
        guard callDepth < 64 else { throw PxLError(.runtime, "function calls nested too deeply (recursion?)", at: location) }
        guard positional.count <= f.parameters.count else {
            throw PxLError(.badArgument, "\(f.name.name)() takes \(f.parameters.count) arguments, got \(positional.count)", at: location)
        }
        var scope: [String: PxValue] = [:]
        for (p, v) in zip(f.parameters, positional) { scope[p.name.name] = v }
        for (k, v, at) in keywords {
            guard f.parameters.contains(where: { $0.name.name == k }) else {
                throw PxLError(.badArgument, "\(f.name.name)() has no parameter '\(k)'", at: at)
            }
            guard scope[k] == nil else { throw PxLError(.badArgument, "\(f.name.name)() got two values for '\(k)'", at: at) }
            scope[k] = v
        }
        if let missing = f.parameters.first(where: { scope[$0.name.name] == nil }) {
            throw PxLError(.badArgument, "\(f.name.name)() is missing argument '\(missing.name.name)'", at: location)
        }
        frames.append(scope)
        callDepth += 1
        defer { frames.removeLast(); callDepth -= 1 }
        for s in f.body {
            if let r = try execute(s) { return r }
        }
        return .none
    }

    // MARK: - Frames

    /// A data frame for `plan`, its schema checked; engine errors get `location`.
    func frame(_ plan: LogicalPlan, at location: SourceLocation) throws(PxLError) -> DataFrame {
        do {
            return DataFrame(plan: plan, schema: try binder.schema(of: plan))
        } catch {
            throw PxLError(Self.code(for: error), error.message, at: location)
        }
    }

    static func code(for error: EngineError) -> PxLError.Code {
        switch error.code {
        case .unknownColumn: .unknownColumn
        case .unknownTable, .unknownFunction: .unknownName
        case .typeMismatch: .typeMismatch
        case .badArgument, .notConstant: .badArgument
        default: .runtime
        }
    }
}
