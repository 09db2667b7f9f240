#if canImport(Glibc)
import Glibc
#endif
import SpriteStore

/// Math functions.
extension FunctionRegistry {
    /// `x - x mod size` with a floored modulo, so negative values also go to the bin below.
    @inline(__always)
    static func binFloor(_ x: Int64, _ size: Int64) -> Int64 {
        guard size > 0 else { return x }
        var r = x % size
        if r < 0 { r += size }
        return x &- r
    }

    /// `value` formatted with `places` digits after the decimal point (like `%.*f`).
    static func formatFixed(_ value: Double, places: Int64) -> String {
        let p = Int32(max(0, min(places, 30)))
        var buf = [CChar](repeating: 0, count: 400)
        let n = withVaList([p, value]) { vsnprintf(&buf, 400, "%.*f", $0) }
        return String(decoding: buf.prefix(Int(max(0, min(n, 399)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `bin` over a column with a constant size: values usually arrive sorted (times), so the
    /// current bin is remembered and the division only happens when a value leaves it.
    static func binKernel(_ call: KernelCall) -> Operand {
        guard case .column(.int64(let values)) = call.args[0], case .scalar(let sv) = call.args[1] else {
            return Kernels.binary(call) { (x: Int64, s: Int64) in binFloor(x, s) }
        }
        let size = Int64.scalar(sv)
        guard size > 0 else { return call.args[0] }
        var lo = Int64.max, hi = Int64.min
        let out = values.withUnsafeBufferPointer { vp in
            try! Kernels.produce(call.length, call.rows) { i -> Int64 in
                let x = vp[i]
                if x >= lo && x < hi { return lo }
                lo = binFloor(x, size)
                hi = lo &+ size
                if hi < lo { hi = .max }
                return lo
            }
        }
        return .column(.int64(out))
    }

    static var mathFunctions: [ScalarFunction] {
        let keep = SemanticRule.inherit(arguments: [0], allowed: arithmeticSemantics)
        return [
            ScalarFunction(name: "floor", documentation: "The largest integer not above x.", overloads: [
                ScalarOverload([.float64], .int64) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in Int64(exactly: x.rounded(.down)) ?? (x < 0 ? .min : .max) } },
                ScalarOverload([.int64], .int64, semantic: keep, identity: true) { call in call.args[0] },
            ]),
            ScalarFunction(name: "ceil", documentation: "The smallest integer not below x.", overloads: [
                ScalarOverload([.float64], .int64) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in Int64(exactly: x.rounded(.up)) ?? (x < 0 ? .min : .max) } },
                ScalarOverload([.int64], .int64, semantic: keep, identity: true) { call in call.args[0] },
            ]),
            ScalarFunction(name: "round", documentation: "round(x, places): x as text with `places` decimals; round(x): nearest integer.", overloads: [
                ScalarOverload([.float64, .int64], .string) { (call) throws(EngineError) in
                    let x = Arg<Double>(call.args[0]), p = Arg<Int64>(call.args[1])
                    return try Kernels.rowwiseString(call) { i, out in out.append(contentsOf: formatFixed(x[i], places: p[i]).utf8) }
                },
                ScalarOverload([.float64], .int64) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in Int64(exactly: x.rounded()) ?? (x < 0 ? .min : .max) } },
            ]),
            ScalarFunction(name: "abs", documentation: "|x|.", overloads: [
                ScalarOverload([.int64], .int64, semantic: keep) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Int64) in x < 0 ? 0 &- x : x } },
                ScalarOverload([.float64], .float64, semantic: keep) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in Swift.abs(x) } },
            ]),
            ScalarFunction(name: "sqrt", documentation: "Square root.", overloads: [
                ScalarOverload([.float64], .float64) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in x.squareRoot() } },
            ]),
            ScalarFunction(name: "log", documentation: "Natural logarithm; log(x, base) in another base.", overloads: [
                ScalarOverload([.float64], .float64) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in Glibc.log(x) } },
                ScalarOverload([.float64, .float64], .float64) { call in Kernels.binary(call) { (x: Double, b: Double) in Glibc.log(x) / Glibc.log(b) } },
            ]),
            ScalarFunction(name: "ln", documentation: "Natural logarithm.", overloads: [
                ScalarOverload([.float64], .float64) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in Glibc.log(x) } },
            ]),
            ScalarFunction(name: "log2", documentation: "Base-2 logarithm.", overloads: [
                ScalarOverload([.float64], .float64) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in Glibc.log2(x) } },
            ]),
            ScalarFunction(name: "log10", documentation: "Base-10 logarithm.", overloads: [
                ScalarOverload([.float64], .float64) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in Glibc.log10(x) } },
            ]),
            ScalarFunction(name: "exp", documentation: "e to the power x.", overloads: [
                ScalarOverload([.float64], .float64) { (call) throws(EngineError) in try Kernels.unary(call) { (x: Double) in Glibc.exp(x) } },
            ]),
            ScalarFunction(name: "pow", documentation: "x to the power y.", overloads: [
                ScalarOverload([.float64, .float64], .float64) { call in Kernels.binary(call) { (x: Double, y: Double) in Glibc.pow(x, y) } },
            ]),
            ScalarFunction(name: "bin", documentation: "x rounded down to a multiple of size (time bins: px.bin(df.time_, px.seconds(10))).", overloads: [
                ScalarOverload([.int64, .int64], .int64, semantic: keep) { call in binKernel(call) },
                ScalarOverload([.time64ns, .int64], .time64ns) { call in binKernel(call) },
                ScalarOverload([.float64, .float64], .float64) { call in Kernels.binary(call) { (x: Double, s: Double) in s > 0 ? (x / s).rounded(.down) * s : x } },
            ]),
        ]
    }
}
