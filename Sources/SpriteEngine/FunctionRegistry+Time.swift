import SpriteStore

/// Time and duration functions.
extension FunctionRegistry {
    static func durationFunction(_ name: String, _ unit: Int64, _ doc: String) -> ScalarFunction {
        ScalarFunction(name: name, documentation: doc, overloads: [
            ScalarOverload([.int64], .int64, semantic: .fixed(.durationNanos)) { (call) throws(EngineError) in
                try Kernels.unary(call) { (x: Int64) in x &* unit }
            },
            ScalarOverload([.float64], .int64, semantic: .fixed(.durationNanos)) { (call) throws(EngineError) in
                try Kernels.unary(call) { (x: Double) in Int64(exactly: (x * Double(unit)).rounded()) ?? 0 }
            },
        ])
    }

    static var timeFunctions: [ScalarFunction] {
        [
            ScalarFunction(name: "now", documentation: "The query's start time.", overloads: [
                ScalarOverload([], .time64ns) { call in .scalar(.time64ns(call.context.now)) },
            ]),
            durationFunction("seconds", 1_000_000_000, "n seconds in nanoseconds."),
            durationFunction("minutes", 60_000_000_000, "n minutes in nanoseconds."),
            durationFunction("hours", 3_600_000_000_000, "n hours in nanoseconds."),
            durationFunction("days", 86_400_000_000_000, "n days in nanoseconds."),
            durationFunction("milliseconds", 1_000_000, "n milliseconds in nanoseconds."),
            durationFunction("microseconds", 1_000, "n microseconds in nanoseconds."),
            ScalarFunction(name: "parse_duration", documentation: "Nanoseconds in a duration such as '-5m', '1h30m', '250ms' (0 if malformed).", overloads: [
                ScalarOverload([.string], .int64, semantic: .fixed(.durationNanos)) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwise(call) { i throws(EngineError) -> Int64 in TimeFormat.parseDuration(a.string(i)) ?? 0 }
                },
            ]),
            ScalarFunction(name: "format_duration", documentation: "Nanoseconds as text such as '1h2m3.5s' or '150ms'.", overloads: [
                ScalarOverload([.int64], .string) { (call) throws(EngineError) in
                    let a = Arg<Int64>(call.args[0])
                    return try Kernels.rowwiseString(call) { i, out in out.append(contentsOf: TimeFormat.formatDuration(a[i]).utf8) }
                },
            ]),
            ScalarFunction(name: "parse_time", documentation: "An RFC 3339 time ('2026-01-01T00:00:00Z') as TIME64NS (0 if malformed).", overloads: [
                ScalarOverload([.string], .time64ns) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwise(call) { i throws(EngineError) -> Int64 in TimeFormat.parseTime(a.string(i)) ?? 0 }
                },
                ScalarOverload([.string, .string], .time64ns) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwise(call) { i throws(EngineError) -> Int64 in TimeFormat.parseTime(a.string(i)) ?? 0 }
                },
            ]),
            ScalarFunction(name: "time_to_int64", documentation: "A time as nanoseconds since the epoch.", overloads: [
                ScalarOverload([.time64ns], .int64, identity: true) { call in call.args[0] },
            ]),
            ScalarFunction(name: "int64_to_time", documentation: "Nanoseconds since the epoch as a time.", overloads: [
                ScalarOverload([.int64], .time64ns, identity: true) { call in call.args[0] },
            ]),
        ]
    }
}
