import ArgumentParser
import SpriteStore

/// Options shared by the commands that run a node (`up`, `edge`).
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: "Address to serve the query API on (HOST:PORT). Loopback only until authentication exists.")
    var listen: String = "127.0.0.1:\(APIClient.defaultPort)"

    @Flag(name: .long, help: "Run without the eBPF collector (query and load only; no root needed).")
    var noCollector = false

    @Option(name: .long, help: "How long rows are kept: a duration such as 24h, 90m, 7d, or 'off' to keep rows until the memory budget evicts them.")
    var retention: String = "24h"

    @Option(name: .long, help: "Memory all tables may hold together, e.g. 2GiB, 512MiB (default: a quarter of RAM, at most 4GiB).")
    var memory: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

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

    func hostAndPort() throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw ValidationError("--listen '\(listen)' is not HOST:PORT, e.g. 127.0.0.1:\(APIClient.defaultPort)")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard ["127.0.0.1", "localhost", "::1"].contains(host) else {
            throw ValidationError("--listen \(listen): the API has no authentication yet, so it only listens on loopback (127.0.0.1, ::1)")
        }
        return (host, port)
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
