/// Checks a `sprite` command line from a manifest (container command + args, or `ExecStart=`)
/// against the binary's `--help`: the executable is `sprite`, the subcommand exists, every
/// `--option` exists for that subcommand, options that take a value have one, flags have none,
/// and nothing is left over.
struct CommandCheck {
    let help: SpriteHelp

    /// The problems of `words` (after variable expansion); empty when the command is valid.
    /// Also returns the options with their values, for checks of particular settings.
    func problems(_ words: [String]) -> (problems: [String], values: [String: String]) {
        var problems: [String] = []
        var values: [String: String] = [:]
        guard let executable = words.first, executable == "sprite" || executable.hasSuffix("/sprite") else {
            return (["the command does not run sprite: \(words)"], values)
        }
        guard words.count > 1, help.subcommands.contains(words[1]) else {
            return (["'\(words.dropFirst().first ?? "")' is not a sprite subcommand (sprite --help lists \(help.subcommands.sorted()))"], values)
        }
        let subcommand = words[1]
        let known = help.options[subcommand] ?? [:]
        var i = 2
        while i < words.count {
            let word = words[i]
            i += 1
            guard word.hasPrefix("--") else {
                problems.append("sprite \(subcommand): unexpected argument '\(word)'")
                continue
            }
            let (name, inlineValue): (String, String?) = {
                guard let eq = word.firstIndex(of: "=") else { return (word, nil) }
                return (String(word[..<eq]), String(word[word.index(after: eq)...]))
            }()
            guard let takesValue = known[name] else {
                problems.append("sprite \(subcommand) has no option \(name) (its options: \(known.keys.sorted().joined(separator: " ")))")
                continue
            }
            if takesValue {
                if let inlineValue {
                    values[name] = inlineValue
                } else if i < words.count, !words[i].hasPrefix("--") {
                    values[name] = words[i]
                    i += 1
                } else {
                    problems.append("sprite \(subcommand): \(name) needs a value")
                }
            } else if inlineValue != nil {
                problems.append("sprite \(subcommand): \(name) is a flag and takes no value")
            } else {
                values[name] = ""
            }
        }
        return (problems, values)
    }
}

/// Sizes as Kubernetes (`1536Mi`), systemd (`2560M`, powers of 1024) and Sprite (`1GiB`, `512MiB`) write them.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isNumber }
        guard let n = Int(digits) else { return nil }
        let scale: Int
        switch text.dropFirst(digits.count).lowercased() {
        case "", "b": scale = 1
        case "k", "ki", "kib": scale = 1 << 10
        case "m", "mi", "mib": scale = 1 << 20
        case "g", "gi", "gib": scale = 1 << 30
        default: return nil
        }
        return n * scale
    }
}
