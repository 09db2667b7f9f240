import Foundation

/// A systemd unit file: sections of `Key=Value` settings (a key may repeat), with `\` line
/// continuations joined and comments dropped, as systemd reads them.
struct SystemdUnit {
    var sections: [String: [(key: String, value: String)]] = [:]

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var text: String
        var description: String { "line \(line): \(text)" }
    }

    init(parsing text: String) throws {
        var current: String?
        var pending = ""
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty, line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty { continue }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line + " "
                continue
            }
            line = pending + line
            pending = ""
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw ParseError(line: lineNumber, text: "bad section header '\(line)'") }
                current = String(line.dropFirst().dropLast())
                sections[current!, default: []] = sections[current!] ?? []
                continue
            }
            guard let section = current else { throw ParseError(line: lineNumber, text: "setting outside a section") }
            guard let eq = line.firstIndex(of: "=") else { throw ParseError(line: lineNumber, text: "not Key=Value: '\(line)'") }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: []].append((key: key, value: value))
        }
        guard pending.isEmpty else { throw ParseError(line: lineNumber, text: "file ends in a line continuation") }
    }

    /// Every value of `key` in `section`, in order.
    func values(_ section: String, _ key: String) -> [String] {
        (sections[section] ?? []).filter { $0.key == key }.map(\.value)
    }

    /// The last value of `key` in `section` (the one systemd uses for single-valued settings).
    func value(_ section: String, _ key: String) -> String? { values(section, key).last }

    /// The variables of the `Environment=` lines (`A=1 B=2`, later lines win).
    var environment: [String: String] {
        var env: [String: String] = [:]
        for line in values("Service", "Environment") {
            for assignment in line.split(separator: " ") {
                guard let eq = assignment.firstIndex(of: "=") else { continue }
                env[String(assignment[..<eq])] = String(assignment[assignment.index(after: eq)...])
            }
        }
        return env
    }
}

/// Splits a command line into words as systemd does for the simple cases used here (spaces,
/// double and single quotes), dropping `ExecStart=` prefixes such as `-` and `+`.
func systemdWords(_ line: String) -> [String] {
    var words: [String] = []
    var word = ""
    var quote: Character?
    var inWord = false
    for ch in line {
        if let q = quote {
            if ch == q { quote = nil } else { word.append(ch) }
        } else if ch == "\"" || ch == "'" {
            quote = ch
            inWord = true
        } else if ch == " " || ch == "\t" {
            if inWord { words.append(word); word = ""; inWord = false }
        } else {
            word.append(ch)
            inWord = true
        }
    }
    if inWord { words.append(word) }
    if var first = words.first {
        while let c = first.first, "-@:+!".contains(c) { first.removeFirst() }
        words[0] = first
    }
    return words
}
