/// The parts of a URI, for `px.uri_parse` and `px.uri_recompose`.
struct URIParts {
    var scheme = "", userInfo = "", host = "", port = "", path = "", query = "", fragment = ""

    /// Splits `scheme://userinfo@host:port/path?query#fragment`; missing parts are empty. A text
    /// without `://` is a path (with optional query and fragment).
    init(parsing text: String) {
        var rest = Substring(text)
        if let r = rest.firstRange(of: "#") { fragment = String(rest[r.upperBound...]); rest = rest[..<r.lowerBound] }
        if let r = rest.firstRange(of: "?") { query = String(rest[r.upperBound...]); rest = rest[..<r.lowerBound] }
        if let r = rest.firstRange(of: "://") {
            scheme = String(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
            let authority: Substring
            if let slash = rest.firstIndex(of: "/") {
                authority = rest[..<slash]; path = String(rest[slash...])
            } else {
                authority = rest; path = ""
            }
            var hostPort = authority
            if let at = authority.lastIndex(of: "@") {
                userInfo = String(authority[..<at]); hostPort = authority[authority.index(after: at)...]
            }
            if let colon = hostPort.lastIndex(of: ":"), !hostPort[hostPort.index(after: colon)...].contains("]") {
                host = String(hostPort[..<colon]); port = String(hostPort[hostPort.index(after: colon)...])
            } else {
                host = String(hostPort)
            }
        } else {
            path = String(rest)
        }
    }

    init(scheme: String, userInfo: String, host: String, port: String, path: String, query: String, fragment: String) {
        (self.scheme, self.userInfo, self.host, self.port, self.path, self.query, self.fragment) =
            (scheme, userInfo, host, port, path, query, fragment)
    }

    /// The parts as a JSON object of the non-empty parts (`scheme`, `userInfo`, `host`, `port`,
    /// `path`, `query`, `fragment`).
    var json: String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        for (k, v) in [("scheme", scheme), ("userInfo", userInfo), ("host", host), ("port", port),
                       ("path", path), ("query", query), ("fragment", fragment)] where !v.isEmpty {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONScanner.appendQuoted(k, to: &out)
            out.append(UInt8(ascii: ":"))
            if k == "port", Int64(v) != nil { out.append(contentsOf: Array(v.utf8)) } else { JSONScanner.appendQuoted(v, to: &out) }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The URI text.
    var text: String {
        var s = ""
        if !scheme.isEmpty { s += scheme + "://" }
        if !userInfo.isEmpty { s += userInfo + "@" }
        s += host
        if !port.isEmpty { s += ":" + port }
        s += path
        if !query.isEmpty { s += "?" + query }
        if !fragment.isEmpty { s += "#" + fragment }
        return s
    }
}
