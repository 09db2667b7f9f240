import Foundation
import Testing

/// A JSON value that keeps booleans, integers and other numbers apart.
indirect enum JSONNode: Decodable {
    case null, bool(Bool), int(Int64), double(Double), string(String), array([JSONNode]), object([String: JSONNode])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONNode].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONNode].self)) }
    }

    static func parse(_ data: Data) -> JSONNode? { try? JSONDecoder().decode(JSONNode.self, from: data) }

    var text: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .double(let d): "\(d)"
        case .string(let s): s
        case .array(let a): "[\(a.count) items]"
        case .object: "{...}"
        }
    }
}

/// Checks real server answers against `docs/openapi.json`: a small JSON Schema validator for
/// what the document uses (`$ref`, `type` (also as a list), `required`, `properties`,
/// `additionalProperties`, `items`, `enum`, `oneOf`, `minimum`, `exclusiveMinimum`).
struct OpenAPICheck {
    let document: [String: Any]

    /// The document of this checkout.
    static var shared: OpenAPICheck { try! OpenAPICheck() }

    init() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")
        document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] as Any }
        return resolve(node as? [String: Any] ?? [:])
    }

    /// The schema of the `status` answer of `method path` for `contentType`.
    func responseSchema(_ method: String, _ path: String, _ status: Int, _ contentType: String = "application/json") -> [String: Any]? {
        let op = ((document["paths"] as? [String: Any])?[path] as? [String: Any])?[method.lowercased()] as? [String: Any]
        let response = resolve((op?["responses"] as? [String: Any])?[String(status)] as? [String: Any] ?? [:])
        return ((response["content"] as? [String: Any])?[contentType] as? [String: Any])?["schema"] as? [String: Any]
    }

    /// Problems of `value` against `schema` (empty: valid).
    func problems(_ value: JSONNode, _ schema: [String: Any], at path: String = "$") -> [String] {
        let s = resolve(schema)
        if let options = s["oneOf"] as? [[String: Any]] {
            let matching = options.filter { problems(value, $0, at: path).isEmpty }.count
            return matching == 1 ? [] : ["\(path): matches \(matching) of oneOf"]
        }
        var out: [String] = []
        if let t = s["type"] {
            let types = (t as? [String]) ?? [t as? String ?? ""]
            guard types.contains(where: { Self.isType(value, $0) }) else { return ["\(path): \(value.text) is not \(types)"] }
        }
        if let e = s["enum"] as? [Any], !e.contains(where: { "\($0)" == value.text }) { out.append("\(path): \(value.text) not in \(e)") }
        let number: Double? = switch value { case .int(let i): Double(i); case .double(let d): d; default: nil }
        if let n = number {
            if let m = s["minimum"] as? NSNumber, n < m.doubleValue { out.append("\(path): below minimum") }
            if let m = s["exclusiveMinimum"] as? NSNumber, n <= m.doubleValue { out.append("\(path): not above minimum") }
        }
        if case .object(let o) = value {
            let props = s["properties"] as? [String: Any] ?? [:]
            for r in s["required"] as? [String] ?? [] where o[r] == nil { out.append("\(path): missing '\(r)'") }
            for (k, v) in o {
                if let p = props[k] as? [String: Any] {
                    out += problems(v, p, at: "\(path).\(k)")
                } else if let extra = s["additionalProperties"] as? [String: Any] {
                    out += problems(v, extra, at: "\(path).\(k)")
                } else if (s["additionalProperties"] as? Bool) == false {
                    out.append("\(path): undocumented field '\(k)'")
                }
            }
        }
        if case .array(let a) = value, let items = s["items"] as? [String: Any] {
            for (i, v) in a.enumerated() { out += problems(v, items, at: "\(path)[\(i)]") }
        }
        return out
    }

    static func isType(_ v: JSONNode, _ t: String) -> Bool {
        switch (t, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("null", .null), ("boolean", .bool),
             ("integer", .int), ("number", .int), ("number", .double): true
        default: false
        }
    }

    /// Checks one exchange; records an issue per problem.
    func check(_ method: String, _ path: String, _ answer: HTTPAnswer, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let schema = responseSchema(method, path, answer.status) else {
            Issue.record("\(method) \(path) \(answer.status) is not in the OpenAPI document", sourceLocation: sourceLocation)
            return
        }
        guard let json = JSONNode.parse(answer.body) else {
            Issue.record("\(method) \(path) \(answer.status): not JSON: \(answer.text.prefix(200))", sourceLocation: sourceLocation)
            return
        }
        for p in problems(json, schema) { Issue.record("\(method) \(path) \(answer.status): \(p)", sourceLocation: sourceLocation) }
    }

    /// Drives the real server through the documented routes and checks every answer.
    static func verify(base: String, token: String, script: String) async throws {
        let api = try OpenAPICheck()
        let request: [String: Any] = ["script": script, "strict": false, "timeout": 30]
        let sent = try #require(JSONNode.parse(try JSONSerialization.data(withJSONObject: request)))
        #expect(api.problems(sent, api.resolve(["$ref": "#/components/schemas/QueryRequest"])).isEmpty)
        api.check("POST", "/api/v1/query", try await HTTP.query(base, token: token, request))
        api.check("POST", "/api/v1/query", try await HTTP.query(base, token: token, ["script": "import px\npx.display(px.DataFrame(table='nope'))"]))
        api.check("POST", "/api/v1/query", try await HTTP.call("POST", base + "/api/v1/query", token: token, body: Data("[1,".utf8)))
        api.check("POST", "/api/v1/query", try await HTTP.query(base, token: nil, request))
        api.check("POST", "/api/v1/query", try await HTTP.query(base, token: token, ["script": script, "strict": true]))
        api.check("GET", "/api/v1/tables", try await HTTP.call("GET", base + "/api/v1/tables", token: token))
        api.check("GET", "/api/v1/schemas", try await HTTP.call("GET", base + "/api/v1/schemas", token: token))
        api.check("GET", "/api/v1/agents", try await HTTP.call("GET", base + "/api/v1/agents", token: token))
        api.check("GET", "/api/v1/agents", try await HTTP.call("GET", base + "/api/v1/agents", token: "nope"))
        api.check("POST", "/api/v1/agents", try await HTTP.call("POST", base + "/api/v1/agents", token: token, body: Data(#"{"name": 1}"#.utf8)))
        api.check("GET", "/healthz", try await HTTP.call("GET", base + "/healthz"))
        let metrics = try await HTTP.call("GET", base + "/metrics", token: token)
        #expect(metrics.status == 200 && api.responseSchema("GET", "/metrics", 200, "text/plain") != nil)
        let nd = try await HTTP.query(base, token: token, request, accept: "application/x-ndjson")
        let lineSchema = try #require(api.responseSchema("POST", "/api/v1/query", 200, "application/x-ndjson"))
        for line in nd.text.split(separator: "\n") {
            let value = try #require(JSONNode.parse(Data(line.utf8)))
            for p in api.problems(value, lineSchema) { Issue.record("NDJSON line: \(p)") }
        }
    }
}
