import Foundation

/// The files under `deploy/` of this checkout.
enum DeployFiles {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy")

    /// Paths relative to `deploy/` of the files whose names end in one of `suffixes`, sorted.
    static func named(_ suffixes: [String]) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if suffixes.contains(where: { path.hasSuffix($0) }) { found.append(path) }
        }
        return found.sorted()
    }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// Replaces `$(NAME)` (Kubernetes) or `${NAME}` and `$NAME` (systemd) with `lookup(NAME)`;
    /// returns nil with the name when a variable has no value.
    static func expand(_ word: String, style: VariableStyle, _ lookup: (String) -> String?) -> Result<String, MissingVariable> {
        var out = ""
        var s = Substring(word)
        while let dollar = s.firstIndex(of: "$") {
            out += s[..<dollar]
            s = s[s.index(after: dollar)...]
            let name: Substring
            switch style {
            case .kubernetes:
                guard s.first == "(", let close = s.firstIndex(of: ")") else { out += "$"; continue }
                name = s[s.index(after: s.startIndex)..<close]
                s = s[s.index(after: close)...]
            case .systemd:
                if s.first == "{", let close = s.firstIndex(of: "}") {
                    name = s[s.index(after: s.startIndex)..<close]
                    s = s[s.index(after: close)...]
                } else {
                    name = s.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                    s = s.dropFirst(name.count)
                }
            }
            guard let value = lookup(String(name)) else { return .failure(MissingVariable(name: String(name))) }
            out += value
        }
        return .success(out + s)
    }

    enum VariableStyle { case kubernetes, systemd }
    struct MissingVariable: Error { var name: String }
}
