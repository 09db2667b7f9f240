import SpriteStore

/// String functions. All work on UTF-8 bytes; positions and lengths count bytes.
extension FunctionRegistry {
    /// Whether `needle` occurs in `hay`.
    @inline(__always)
    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        find(hay, needle) >= 0
    }

    /// The byte position of the first `needle` in `hay`, or -1.
    static func find(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Int {
        let n = needle.count, h = hay.count
        if n == 0 { return 0 }
        if n > h { return -1 }
        let first = needle[0]
        var i = 0
        let last = h - n
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < n && hay[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return -1
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }

    /// A compiled constant regular expression argument.
    static func regex(_ call: KernelCall, _ index: Int) throws(EngineError) -> Regex<AnyRegexOutput> {
        guard case .scalar(.string(let pattern)) = call.args[index] else {
            throw EngineError(.notConstant, "the regular expression must be a constant string")
        }
        do {
            return try Regex(pattern)
        } catch {
            throw EngineError(.badArgument, "invalid regular expression '\(pattern)': \(error)")
        }
    }

    static var stringFunctions: [ScalarFunction] {
        [
            ScalarFunction(name: "contains", documentation: "Whether the string contains the substring.", overloads: [
                ScalarOverload([.string, .string], .boolean) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0]), b = StringArg(call.args[1])
                    return try Kernels.rowwise(call) { i throws(EngineError) -> Bool in
                        a.withBytes(i) { x in b.withBytes(i) { y in contains(x, y) } }
                    }
                },
            ]),
            ScalarFunction(name: "length", documentation: "The length of the string in bytes.", overloads: [
                ScalarOverload([.string], .int64) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwise(call) { i throws(EngineError) -> Int64 in Int64(a.array.utf8Count(at: a.element(i))) }
                },
            ]),
            ScalarFunction(name: "find", documentation: "The byte position of the first occurrence of the substring, or -1.", overloads: [
                ScalarOverload([.string, .string], .int64) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0]), b = StringArg(call.args[1])
                    return try Kernels.rowwise(call) { i throws(EngineError) -> Int64 in
                        a.withBytes(i) { x in b.withBytes(i) { y in Int64(find(x, y)) } }
                    }
                },
            ]),
            ScalarFunction(name: "substring", documentation: "substring(s, pos, length): `length` bytes from byte `pos` (clamped to the string).", overloads: [
                ScalarOverload([.string, .int64, .int64], .string) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0]), p = Arg<Int64>(call.args[1]), n = Arg<Int64>(call.args[2])
                    return try Kernels.rowwiseString(call) { i, out in
                        a.withBytes(i) { x in
                            let start = Int(max(0, min(p[i], Int64(x.count))))
                            let end = Int(max(Int64(start), min(Int64(x.count), Int64(start) + max(0, n[i]))))
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: x[start..<end]))
                        }
                    }
                },
            ]),
            ScalarFunction(name: "tolower", documentation: "ASCII letters in lower case.", overloads: [
                ScalarOverload([.string], .string) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwiseString(call) { i, out in
                        a.withBytes(i) { x in for b in x { out.append(b >= 65 && b <= 90 ? b + 32 : b) } }
                    }
                },
            ]),
            ScalarFunction(name: "toupper", documentation: "ASCII letters in upper case.", overloads: [
                ScalarOverload([.string], .string) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwiseString(call) { i, out in
                        a.withBytes(i) { x in for b in x { out.append(b >= 97 && b <= 122 ? b - 32 : b) } }
                    }
                },
            ]),
            ScalarFunction(name: "trim", documentation: "The string without leading and trailing white space.", overloads: [
                ScalarOverload([.string], .string) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwiseString(call) { i, out in
                        a.withBytes(i) { x in
                            var lo = 0, hi = x.count
                            while lo < hi && isSpace(x[lo]) { lo += 1 }
                            while hi > lo && isSpace(x[hi - 1]) { hi -= 1 }
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: x[lo..<hi]))
                        }
                    }
                },
            ]),
            ScalarFunction(name: "regex_match", documentation: "regex_match(pattern, s): whether the whole string matches the regular expression.", overloads: [
                ScalarOverload([.string, .string], .boolean, constants: [0]) { (call) throws(EngineError) in
                    let re = try regex(call, 0)
                    let a = StringArg(call.args[1])
                    return try Kernels.rowwise(call) { i throws(EngineError) -> Bool in
                        (try? re.wholeMatch(in: a.string(i))) != nil
                    }
                },
            ]),
            ScalarFunction(name: "replace", documentation: "replace(pattern, s, replacement): every match of the regular expression replaced.", overloads: [
                ScalarOverload([.string, .string, .string], .string, constants: [0]) { (call) throws(EngineError) in
                    let re = try regex(call, 0)
                    let a = StringArg(call.args[1]), r = StringArg(call.args[2])
                    return try Kernels.rowwiseString(call) { i, out in
                        out.append(contentsOf: a.string(i).replacing(re, with: r.string(i)).utf8)
                    }
                },
            ]),
        ]
    }
}
