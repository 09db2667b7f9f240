import Dispatch
import Foundation

/// The options of the built `sprite` binary, read from its `--help` output, so that manifests are
/// checked against the CLI as it really is.
struct SpriteHelp: Sendable {
    /// The subcommands `sprite --help` lists.
    var subcommands: Set<String>
    /// Per subcommand: each `--option` and whether it takes a value (`--listen <listen>`).
    var options: [String: [String: Bool]]

    /// The `sprite` binary next to the test bundle (`swift build` puts both in the same directory).
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sprite")
    }

    /// Runs `sprite --help` and `sprite SUB --help` for every subcommand.
    static func load() async throws -> SpriteHelp {
        let top = try await run(["--help"])
        let subs = subcommandNames(in: top)
        var options: [String: [String: Bool]] = [:]
        for sub in subs { options[sub] = optionNames(in: try await run([sub, "--help"])) }
        return SpriteHelp(subcommands: subs, options: options)
    }

    /// The names under `SUBCOMMANDS:` (`  edge    Run an edge ...`).
    static func subcommandNames(in help: String) -> Set<String> {
        var names = Set<String>()
        var inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inSection = true; continue }
            guard inSection else { continue }
            // The list ends at the first empty line ("See 'sprite help <subcommand>'" follows).
            if !line.hasPrefix(" ") { inSection = false; continue }
            let trimmed = line.drop { $0 == " " }
            // Continuation lines of a description are indented further than the names.
            guard line.count - trimmed.count <= 4, let word = trimmed.split(separator: " ").first else { continue }
            names.insert(String(word))
        }
        return names
    }

    /// The options of an `OPTIONS:` section: `--name` and whether `<value>` follows it.
    static func optionNames(in help: String) -> [String: Bool] {
        var names: [String: Bool] = [:]
        for line in help.split(separator: "\n") {
            var rest = line.drop { $0 == " " }
            guard line.count - rest.count <= 4 else { continue }
            if rest.hasPrefix("-") && !rest.hasPrefix("--") {   // "-h, --help"
                guard let comma = rest.firstIndex(of: ",") else { continue }
                rest = rest[rest.index(after: comma)...].drop { $0 == " " }
            }
            guard rest.hasPrefix("--") else { continue }
            let parts = rest.split(separator: " ", maxSplits: 2)
            names[String(parts[0])] = parts.count > 1 && parts[1].hasPrefix("<")
        }
        return names
    }

    /// Runs the binary and returns its standard output; the wait happens off the cooperative pool.
    static func run(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["COLUMNS": "200", "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output: Data = await withCheckedContinuation { c in
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                c.resume(returning: data)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
