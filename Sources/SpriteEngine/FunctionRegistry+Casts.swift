import SpriteStore

/// Semantic type casts: identity on values, they set the semantic type (`px.DurationNanos(x)`).
extension FunctionRegistry {
    static func cast(_ name: String, _ semantic: SemanticType, _ types: [DataType]) -> ScalarFunction {
        ScalarFunction(name: name, documentation: "Marks values as \(semantic.rawValue).", overloads: types.map { t in
            ScalarOverload([t], t, semantic: .fixed(semantic), identity: true) { call in call.args[0] }
        })
    }

    static var castFunctions: [ScalarFunction] {
        [
            cast("DurationNanos", .durationNanos, [.int64, .float64]),
            cast("Bytes", .bytes, [.int64, .float64]),
            cast("Percent", .percent, [.float64, .int64]),
            ScalarFunction(name: "Time", documentation: "Marks values as a time (INT64 nanoseconds become TIME64NS).", overloads: [
                ScalarOverload([.time64ns], .time64ns, identity: true) { call in call.args[0] },
                ScalarOverload([.int64], .time64ns, identity: true) { call in call.args[0] },
            ]),
            cast("Service", .serviceName, [.string]),
            cast("Pod", .podName, [.string]),
            cast("Namespace", .namespaceName, [.string]),
            cast("Node", .nodeName, [.string]),
            cast("Container", .containerName, [.string]),
            ScalarFunction(name: "UPID", documentation: "Marks values as a UPID (text is parsed).", overloads: [
                ScalarOverload([.uint128], .uint128, semantic: .fixed(.upid), identity: true) { call in call.args[0] },
                ScalarOverload([.string], .uint128, semantic: .fixed(.upid)) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwise(call) { i throws(EngineError) -> UInt128 in UPID.parse(a.string(i)) ?? 0 }
                },
            ]),
        ]
    }
}
