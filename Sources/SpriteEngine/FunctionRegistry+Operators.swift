#if canImport(Glibc)
import Glibc
#endif
import SpriteStore

/// The operators as functions: arithmetic, comparisons and logic.
extension FunctionRegistry {
    static let arithmeticSemantics: Set<SemanticType> = [.bytes, .durationNanos, .percent]

    enum Comparison { case eq, ne, lt, le, gt, ge }

    static func compare<T: ColumnElement & Comparable>(_ call: KernelCall, _ op: Comparison, _: T.Type) -> Operand {
        switch op {
        case .eq: Kernels.binary(call) { (a: T, b: T) in a == b }
        case .ne: Kernels.binary(call) { (a: T, b: T) in a != b }
        case .lt: Kernels.binary(call) { (a: T, b: T) in a < b }
        case .le: Kernels.binary(call) { (a: T, b: T) in a <= b }
        case .gt: Kernels.binary(call) { (a: T, b: T) in a > b }
        case .ge: Kernels.binary(call) { (a: T, b: T) in a >= b }
        }
    }

    static func compareBool(_ call: KernelCall, _ op: Comparison) -> Operand {
        switch op {
        case .eq: Kernels.binary(call) { (a: Bool, b: Bool) in a == b }
        case .ne: Kernels.binary(call) { (a: Bool, b: Bool) in a != b }
        case .lt: Kernels.binary(call) { (a: Bool, b: Bool) in !a && b }
        case .le: Kernels.binary(call) { (a: Bool, b: Bool) in !a || b }
        case .gt: Kernels.binary(call) { (a: Bool, b: Bool) in a && !b }
        case .ge: Kernels.binary(call) { (a: Bool, b: Bool) in a || !b }
        }
    }

    static func compareStrings(_ call: KernelCall, _ op: Comparison) throws(EngineError) -> Operand {
        let a = StringArg(call.args[0]), b = StringArg(call.args[1])
        return try Kernels.rowwise(call) { i throws(EngineError) -> Bool in
            let c = try a.withBytes(i) { (x) throws(EngineError) in try b.withBytes(i) { (y) throws(EngineError) in Self.compareBytes(x, y) } }
            switch op {
            case .eq: return c == 0
            case .ne: return c != 0
            case .lt: return c < 0
            case .le: return c <= 0
            case .gt: return c > 0
            case .ge: return c >= 0
            }
        }
    }

    /// Lexicographic comparison of byte strings: negative, zero or positive.
    @inline(__always)
    static func compareBytes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(x.count, y.count)
        if n > 0 {
            let c = Int(memcmp(x.baseAddress!, y.baseAddress!, n))
            if c != 0 { return c }
        }
        return x.count - y.count
    }

    static func comparison(_ name: String, _ op: Comparison, _ doc: String) -> ScalarFunction {
        var overloads: [ScalarOverload] = [
            ScalarOverload([.int64, .int64], .boolean) { call in compare(call, op, Int64.self) },
            ScalarOverload([.float64, .float64], .boolean) { call in compare(call, op, Double.self) },
            ScalarOverload([.time64ns, .time64ns], .boolean) { call in compare(call, op, Int64.self) },
            ScalarOverload([.string, .string], .boolean) { (call) throws(EngineError) in try compareStrings(call, op) },
            ScalarOverload([.boolean, .boolean], .boolean) { call in compareBool(call, op) },
        ]
        if op == .eq || op == .ne {
            overloads.append(ScalarOverload([.uint128, .uint128], .boolean) { call in
                op == .eq ? Kernels.binary(call) { (a: UInt128, b: UInt128) in a == b }
                    : Kernels.binary(call) { (a: UInt128, b: UInt128) in a != b }
            })
        }
        return ScalarFunction(name: name, documentation: doc, overloads: overloads)
    }

    static var operatorFunctions: [ScalarFunction] {
        let inherit = SemanticRule.inherit(arguments: [0, 1], allowed: arithmeticSemantics)
        return [
            ScalarFunction(name: "add", documentation: "a + b; TIME64NS + INT64 adds nanoseconds; strings concatenate.", overloads: [
                ScalarOverload([.int64, .int64], .int64, semantic: inherit) { call in Kernels.binary(call) { (a: Int64, b: Int64) in a &+ b } },
                ScalarOverload([.float64, .float64], .float64, semantic: inherit) { call in Kernels.binary(call) { (a: Double, b: Double) in a + b } },
                ScalarOverload([.time64ns, .int64], .time64ns) { call in Kernels.binary(call) { (a: Int64, b: Int64) in a &+ b } },
                ScalarOverload([.int64, .time64ns], .time64ns) { call in Kernels.binary(call) { (a: Int64, b: Int64) in a &+ b } },
                ScalarOverload([.string, .string], .string) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0]), b = StringArg(call.args[1])
                    return try Kernels.rowwiseString(call) { (i, out) throws(EngineError) in
                        a.withBytes(i) { out.append(contentsOf: $0) }
                        b.withBytes(i) { out.append(contentsOf: $0) }
                    }
                },
            ]),
            ScalarFunction(name: "subtract", documentation: "a - b; TIME64NS - TIME64NS is a duration in nanoseconds.", overloads: [
                ScalarOverload([.int64, .int64], .int64, semantic: inherit) { call in Kernels.binary(call) { (a: Int64, b: Int64) in a &- b } },
                ScalarOverload([.float64, .float64], .float64, semantic: inherit) { call in Kernels.binary(call) { (a: Double, b: Double) in a - b } },
                ScalarOverload([.time64ns, .int64], .time64ns) { call in Kernels.binary(call) { (a: Int64, b: Int64) in a &- b } },
                ScalarOverload([.time64ns, .time64ns], .int64, semantic: .fixed(.durationNanos)) { call in Kernels.binary(call) { (a: Int64, b: Int64) in a &- b } },
            ]),
            ScalarFunction(name: "multiply", documentation: "a * b.", overloads: [
                ScalarOverload([.int64, .int64], .int64) { call in Kernels.binary(call) { (a: Int64, b: Int64) in a &* b } },
                ScalarOverload([.float64, .float64], .float64) { call in Kernels.binary(call) { (a: Double, b: Double) in a * b } },
            ]),
            ScalarFunction(name: "divide", documentation: "a / b as FLOAT64 (integers are converted first).", overloads: [
                ScalarOverload([.float64, .float64], .float64) { call in Kernels.binary(call) { (a: Double, b: Double) in a / b } },
            ]),
            ScalarFunction(name: "modulo", documentation: "a % b (0 when b is 0).", overloads: [
                ScalarOverload([.int64, .int64], .int64) { call in Kernels.binary(call) { (a: Int64, b: Int64) in b == 0 ? 0 : a % b } },
                ScalarOverload([.time64ns, .int64], .int64) { call in Kernels.binary(call) { (a: Int64, b: Int64) in b == 0 ? 0 : a % b } },
            ]),
            comparison("equal", .eq, "a == b."),
            comparison("notEqual", .ne, "a != b."),
            comparison("lessThan", .lt, "a < b."),
            comparison("lessThanEqual", .le, "a <= b."),
            comparison("greaterThan", .gt, "a > b."),
            comparison("greaterThanEqual", .ge, "a >= b."),
            ScalarFunction(name: "logicalAnd", documentation: "a and b.", overloads: [
                ScalarOverload([.boolean, .boolean], .boolean) { call in Kernels.binary(call) { (a: Bool, b: Bool) in a && b } },
            ]),
            ScalarFunction(name: "logicalOr", documentation: "a or b.", overloads: [
                ScalarOverload([.boolean, .boolean], .boolean) { call in Kernels.binary(call) { (a: Bool, b: Bool) in a || b } },
            ]),
            ScalarFunction(name: "logicalNot", documentation: "not a.", overloads: [
                ScalarOverload([.boolean], .boolean) { (call) throws(EngineError) in try Kernels.unary(call) { (a: Bool) in !a } },
            ]),
            ScalarFunction(name: "negate", documentation: "-a.", overloads: [
                ScalarOverload([.int64], .int64, semantic: .inherit(arguments: [0], allowed: arithmeticSemantics)) { (call) throws(EngineError) in try Kernels.unary(call) { (a: Int64) in 0 &- a } },
                ScalarOverload([.float64], .float64, semantic: .inherit(arguments: [0], allowed: arithmeticSemantics)) { (call) throws(EngineError) in try Kernels.unary(call) { (a: Double) in -a } },
            ]),
        ]
    }
}
