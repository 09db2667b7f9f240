import Foundation
import ArgumentParser
import SpriteStore

/// Options of the commands that hold a table store (`up`, `edge`).
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: SpriteDataDirectory.help)
    var dataDir: String?

    @Flag(name: .long, help: "Run without the eBPF collector (query and load only; no root needed).")
    var noCollector = false

    @Option(name: .long, help: "How long rows are kept: a duration such as 24h, 90m, 7d, or 'off' to keep rows until the memory budget evicts them.")
    var retention: String = "24h"

    @Option(name: .long, help: "Memory all tables may hold together, e.g. 2GiB, 512MiB (default: a quarter of RAM, at most 4GiB).")
    var memory: String?

    func storeConfiguration() throws -> StoreConfiguration {
        var config = StoreConfiguration()
        if retention.lowercased() == "off" {
            config.retentionWindow = nil
        } else {
            guard let ns = Durations.parse(retention), ns > 0 else {
                throw ValidationError("--retention '\(retention)' is not a duration: use e.g. 24h, 90m, 7d, or off")
            }
            config.retentionWindow = ns
        }
        if let memory {
            guard let bytes = Durations.parseBytes(memory), bytes >= 1 << 20 else {
                throw ValidationError("--memory '\(memory)' is not a size of at least 1MiB: use e.g. 512MiB, 2GiB")
            }
            config.totalBytes = bytes
        }
        return config
    }
}

/// Parsing of durations (`24h`, `90m`, `1h30m`) and sizes (`2GiB`) in flags.
enum Durations {
    static func parse(_ text: String) -> Int64? {
        var total: Int64 = 0
        var s = Substring(text.lowercased())
        guard !s.isEmpty else { return nil }
        while !s.isEmpty {
            let digits = s.prefix { $0.isNumber }
            guard let n = Int64(digits) else { return nil }
            s = s.dropFirst(digits.count)
            let unit = s.prefix { $0.isLetter }
            s = s.dropFirst(unit.count)
            let scale: Int64
            switch unit {
            case "ms": scale = 1_000_000
            case "s": scale = 1_000_000_000
            case "m": scale = 60_000_000_000
            case "h": scale = 3_600_000_000_000
            case "d": scale = 86_400_000_000_000
            default: return nil
            }
            total += n * scale
        }
        return total
    }

    static func parseBytes(_ text: String) -> Int? {
        let t = text.lowercased()
        let digits = t.prefix { $0.isNumber || $0 == "." }
        guard let n = Double(digits) else { return nil }
        let unit = t.dropFirst(digits.count)
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "k", "kb", "kib": scale = 1024
        case "m", "mb", "mib": scale = 1024 * 1024
        case "g", "gb", "gib": scale = 1024 * 1024 * 1024
        default: return nil
        }
        return Int(n * scale)
    }
}

extension NodeOptions {
    /// The data directory, created if needed.
    func dataDirectory() throws -> String { try SpriteDataDirectory.resolve(dataDir) }
}

/// Where state that outlives the process (export schedules) lives.
enum SpriteDataDirectory {
    static let help: ArgumentHelp = "Directory for state that outlives the process (export schedules), default /var/lib/sprite as root, else ~/.local/share/sprite."

    /// `option`, or the default, created if needed.
    static func resolve(_ option: String?) throws -> String {
        let dir = option ?? (getuid() == 0 ? "/var/lib/sprite" : NSHomeDirectory() + "/.local/share/sprite")
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--data-dir \(dir): cannot create it: \(error.localizedDescription)")
        }
        return dir
    }
}
