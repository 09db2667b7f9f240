import SpriteStore

/// JSON functions.
extension FunctionRegistry {
    static func pluckText(_ call: KernelCall, into body: (Int, [UInt8]?) -> Void) {
        let a = StringArg(call.args[0]), k = StringArg(call.args[1])
        var scratch: [UInt8] = []
        call.rows.forEach { i in
            scratch.removeAll(keepingCapacity: true)
            let found: Bool = a.withBytes(i) { json in
                k.withBytes(i) { key in
                    guard let r = JSONScanner.value(of: key, in: json) else { return false }
                    JSONScanner.appendText(json, r, to: &scratch)
                    return true
                }
            }
            body(i, found ? scratch : nil)
        }
    }

    static var jsonFunctions: [ScalarFunction] {
        [
            ScalarFunction(name: "pluck", documentation: "pluck(json, key): the value of `key` in a JSON object as text ('' if absent).", overloads: [
                ScalarOverload([.string, .string], .string) { (call) throws(EngineError) in
                    if call.allScalar {
                        var out = ""
                        pluckText(call) { _, v in out = v.map { String(decoding: $0, as: UTF8.self) } ?? "" }
                        return .scalar(.string(out))
                    }
                    var out = StringOutput(length: call.length)
                    pluckText(call) { i, v in (v ?? []).withUnsafeBufferPointer { out.append(at: i, $0) } }
                    return .column(.string(out.finish()))
                },
            ]),
            ScalarFunction(name: "pluck_int64", documentation: "pluck_int64(json, key): the value of `key` as INT64 (0 if absent).", overloads: [
                ScalarOverload([.string, .string], .int64, semantic: .quantileValue(argument: 0)) { (call) throws(EngineError) in
                    var values = [Int64](repeating: 0, count: call.allScalar ? 1 : call.length)
                    pluckText(call) { i, v in values[call.allScalar ? 0 : i] = v.flatMap { JSONScanner.parseInt($0) } ?? 0 }
                    return call.allScalar ? .scalar(.int64(values[0])) : .column(.int64(values))
                },
            ]),
            ScalarFunction(name: "pluck_float64", documentation: "pluck_float64(json, key): the value of `key` as FLOAT64 (0 if absent).", overloads: [
                ScalarOverload([.string, .string], .float64, semantic: .quantileValue(argument: 0)) { (call) throws(EngineError) in
                    var values = [Double](repeating: 0, count: call.allScalar ? 1 : call.length)
                    pluckText(call) { i, v in
                        values[call.allScalar ? 0 : i] = v.flatMap { Double(String(decoding: $0, as: UTF8.self).trimmingSpaces) } ?? 0
                    }
                    return call.allScalar ? .scalar(.float64(values[0])) : .column(.float64(values))
                },
            ]),
        ]
    }
}
