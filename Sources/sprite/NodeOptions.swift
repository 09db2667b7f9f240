import Foundation
import ArgumentParser
import SpriteCollector
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

    @Option(name: .long, help: "Payload bytes the kernel copies per read or write, at most 16KiB (default 16KiB); longer transfers keep their size, not their tail.")
    var captureLimit: String?

    @Option(name: .long, help: "Body bytes kept per request and response in req_body/resp_body (default 4KiB); the full size is kept in *_body_size.")
    var bodyLimit: String?

    @Option(name: .long, help: "Size of the kernel ring buffer, a power of two (default 16MiB); events that do not fit are counted as drops.")
    var ringBuffer: String?

    @Option(name: .long, help: "How often the collector drains the ring buffer, 1ms to 1s (default 5ms); shorter means more wakeups, shorter bursts of work.")
    var pollInterval: String?

    @Flag(name: .long, help: "Do not capture TLS plaintext (no uprobes on OpenSSL).")
    var noTLS = false

    /// Rejects bad sizes and durations at parse time, with the command's usage.
    func validate() throws {
        _ = try storeConfiguration()
        _ = try collectorConfiguration()
    }

    /// The collector's settings from the flags (defaults for the flags not given).
    func collectorConfiguration() throws -> CollectorConfiguration {
        var c = CollectorConfiguration()
        func bytes(_ flag: String, _ text: String?) throws -> Int? {
            guard let text else { return nil }
            guard let n = Durations.parseBytes(text) else { throw ValidationError("--\(flag) '\(text)' is not a size: use e.g. 4096, 16KiB, 16MiB") }
            return n
        }
        if let n = try bytes("capture-limit", captureLimit) { c.captureLimit = n }
        if let n = try bytes("body-limit", bodyLimit) { c.bodyLimit = n }
        if let n = try bytes("ring-buffer", ringBuffer) { c.ringBufferBytes = n }
        if let pollInterval {
            guard let ns = Durations.parse(pollInterval) else { throw ValidationError("--poll-interval '\(pollInterval)' is not a duration: use e.g. 5ms, 20ms") }
            c.pollInterval = .nanoseconds(ns)
        }
        c.traceTLS = !noTLS
        do {
            try c.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return c
    }

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
