import SpriteStore

/// Conditionals, conversions, URIs, protocol names and script references.
extension FunctionRegistry {
    static let httpMessages: [Int64: String] = [
        100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted",
        203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content", 206: "Partial Content",
        300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
        402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict",
        410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Payload Too Large",
        414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
        417: "Expectation Failed", 418: "I'm a teapot", 422: "Unprocessable Entity", 425: "Too Early",
        426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
        431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout", 505: "HTTP Version Not Supported", 511: "Network Authentication Required",
    ]

    static let protocolNames: [Int64: String] = [
        0: "Unknown", 1: "HTTP", 2: "HTTP2", 3: "MySQL", 4: "CQL", 5: "PGSQL", 6: "DNS", 7: "Redis",
        8: "NATS", 9: "Mongo", 10: "Kafka", 11: "Mux", 12: "AMQP",
    ]

    static func select<T: ColumnElement>(_ call: KernelCall, _: T.Type) throws(EngineError) -> Operand {
        let c = Arg<Bool>(call.args[0]), a = Arg<T>(call.args[1]), b = Arg<T>(call.args[2])
        return try Kernels.rowwise(call) { i throws(EngineError) -> T in c[i] ? a[i] : b[i] }
    }

    static func equalsAny<T: ColumnElement & Equatable>(_ call: KernelCall, _: T.Type) throws(EngineError) -> Operand {
        let x = Arg<T>(call.args[0])
        let options = call.args.dropFirst().map { Arg<T>($0) }
        return try Kernels.rowwise(call) { i throws(EngineError) -> Bool in
            let v = x[i]
            for o in options where o[i] == v { return true }
            return false
        }
    }

    static var miscFunctions: [ScalarFunction] {
        [
            ScalarFunction(name: "select", documentation: "select(cond, a, b): a where cond is true, else b.", overloads: [
                ScalarOverload([.boolean, .int64, .int64], .int64, semantic: .inherit(arguments: [1, 2], allowed: Set(SemanticType.allCases))) { (call) throws(EngineError) in try select(call, Int64.self) },
                ScalarOverload([.boolean, .float64, .float64], .float64, semantic: .inherit(arguments: [1, 2], allowed: Set(SemanticType.allCases))) { (call) throws(EngineError) in try select(call, Double.self) },
                ScalarOverload([.boolean, .time64ns, .time64ns], .time64ns) { (call) throws(EngineError) in try select(call, Int64.self) },
                ScalarOverload([.boolean, .boolean, .boolean], .boolean) { (call) throws(EngineError) in try select(call, Bool.self) },
                ScalarOverload([.boolean, .uint128, .uint128], .uint128, semantic: .inherit(arguments: [1, 2], allowed: Set(SemanticType.allCases))) { (call) throws(EngineError) in try select(call, UInt128.self) },
                ScalarOverload([.boolean, .string, .string], .string, semantic: .inherit(arguments: [1, 2], allowed: Set(SemanticType.allCases))) { (call) throws(EngineError) in
                    let c = Arg<Bool>(call.args[0]), a = StringArg(call.args[1]), b = StringArg(call.args[2])
                    return try Kernels.rowwiseString(call) { i, out in
                        (c[i] ? a : b).withBytes(i) { out.append(contentsOf: $0) }
                    }
                },
            ]),
            ScalarFunction(name: "equals_any", documentation: "equals_any(x, v1, v2, ...): whether x equals one of the values (the compiler flattens the list).", overloads: [
                ScalarOverload([.int64, .int64], .boolean, variadic: true) { (call) throws(EngineError) in try equalsAny(call, Int64.self) },
                ScalarOverload([.float64, .float64], .boolean, variadic: true) { (call) throws(EngineError) in try equalsAny(call, Double.self) },
                ScalarOverload([.time64ns, .time64ns], .boolean, variadic: true) { (call) throws(EngineError) in try equalsAny(call, Int64.self) },
                ScalarOverload([.uint128, .uint128], .boolean, variadic: true) { (call) throws(EngineError) in try equalsAny(call, UInt128.self) },
                ScalarOverload([.string, .string], .boolean, variadic: true) { (call) throws(EngineError) in
                    let x = StringArg(call.args[0])
                    let options = call.args.dropFirst().map { StringArg($0) }
                    return try Kernels.rowwise(call) { i throws(EngineError) -> Bool in
                        x.withBytes(i) { v in options.contains { o in o.withBytes(i) { compareBytes(v, $0) == 0 } } }
                    }
                },
            ]),
            ScalarFunction(name: "atoi", documentation: "A decimal integer's text as INT64 (0 if malformed).", overloads: [
                ScalarOverload([.string], .int64) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwise(call) { i throws(EngineError) -> Int64 in Int64(a.string(i).trimmingSpaces) ?? 0 }
                },
            ]),
            ScalarFunction(name: "itoa", documentation: "An INT64 as decimal text.", overloads: [
                ScalarOverload([.int64], .string) { (call) throws(EngineError) in
                    let a = Arg<Int64>(call.args[0])
                    return try Kernels.rowwiseString(call) { i, out in out.append(contentsOf: String(a[i]).utf8) }
                },
            ]),
            ScalarFunction(name: "uri_parse", documentation: "A URI's parts as a JSON object (scheme, userInfo, host, port, path, query, fragment).", overloads: [
                ScalarOverload([.string], .string) { (call) throws(EngineError) in
                    let a = StringArg(call.args[0])
                    return try Kernels.rowwiseString(call) { i, out in out.append(contentsOf: URIParts(parsing: a.string(i)).json.utf8) }
                },
            ]),
            ScalarFunction(name: "uri_recompose", documentation: "uri_recompose(scheme, userInfo, host, port, path, query, fragment): the URI text.", overloads: [
                ScalarOverload([.string, .string, .string, .int64, .string, .string, .string], .string) { (call) throws(EngineError) in
                    let s = (0..<7).map { $0 == 3 ? nil : StringArg(call.args[$0]) }
                    let port = Arg<Int64>(call.args[3])
                    return try Kernels.rowwiseString(call) { i, out in
                        let u = URIParts(scheme: s[0]!.string(i), userInfo: s[1]!.string(i), host: s[2]!.string(i),
                                         port: port[i] == 0 ? "" : String(port[i]), path: s[4]!.string(i),
                                         query: s[5]!.string(i), fragment: s[6]!.string(i))
                        out.append(contentsOf: u.text.utf8)
                    }
                },
            ]),
            ScalarFunction(name: "http_resp_message", documentation: "The reason phrase of an HTTP status code.", overloads: [
                ScalarOverload([.int64], .string, semantic: .fixed(.httpResponseMessage)) { (call) throws(EngineError) in
                    let a = Arg<Int64>(call.args[0])
                    return try Kernels.rowwiseString(call) { i, out in out.append(contentsOf: (httpMessages[a[i]] ?? "Unknown").utf8) }
                },
            ]),
            ScalarFunction(name: "protocol_name", documentation: "The name of a traffic protocol number (1 HTTP, 2 HTTP2, 3 MySQL, ...).", overloads: [
                ScalarOverload([.int64], .string) { (call) throws(EngineError) in
                    let a = Arg<Int64>(call.args[0])
                    return try Kernels.rowwiseString(call) { i, out in out.append(contentsOf: (protocolNames[a[i]] ?? "Unknown").utf8) }
                },
            ]),
            ScalarFunction(name: "nslookup", documentation: "The host name of an IP address; the address unchanged when it does not resolve (no DNS queries are made).", overloads: [
                ScalarOverload([.string], .string, identity: true) { call in call.args[0] },
            ]),
            ScalarFunction(name: "script_reference", documentation: "script_reference(label, script, key1, value1, ...): a link to another script as JSON (the compiler flattens the args dict).", overloads: [
                ScalarOverload([.string, .string, .string], .string, variadic: true, semantic: .fixed(.scriptReference)) { (call) throws(EngineError) in
                    let args = call.args.map { StringArg($0) }
                    return try Kernels.rowwiseString(call) { i, out in
                        out.append(contentsOf: Array("{\"label\":".utf8))
                        JSONScanner.appendQuoted(args[0].string(i), to: &out)
                        out.append(contentsOf: Array(",\"script\":".utf8))
                        JSONScanner.appendQuoted(args[1].string(i), to: &out)
                        out.append(contentsOf: Array(",\"args\":{".utf8))
                        var k = 2
                        while k + 1 < args.count {
                            if k > 2 { out.append(UInt8(ascii: ",")) }
                            JSONScanner.appendQuoted(args[k].string(i), to: &out)
                            out.append(UInt8(ascii: ":"))
                            JSONScanner.appendQuoted(args[k + 1].string(i), to: &out)
                            k += 2
                        }
                        out.append(contentsOf: Array("}}".utf8))
                    }
                },
            ]),
        ]
    }
}
