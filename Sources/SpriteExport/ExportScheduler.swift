#if canImport(Glibc)
import Glibc
#endif
import Logging
import SpriteOTLP

/// Runs export schedules: each run exports the window `[last_end, last_end + every)` once that
/// window has closed (plus a small lag for late rows), so windows are contiguous — after a restart,
/// a receiver outage or a slow run nothing is skipped and nothing is sent twice, as long as the data
/// is still within retention. A failing window is retried with backoff (later windows wait behind
/// it, in order); a window the receiver refuses (4xx), or that still fails after
/// ``maxAttemptsPerWindow`` tries, is recorded as failed and the schedule moves on.
public actor ExportScheduler {
    public nonisolated let database: ExportDatabase
    let runner: ExportRunner
    let logger: Logger
    /// How long after a window closes it is exported, in ns (rows arrive a little late).
    public let lag: Int64
    public let maxAttemptsPerWindow: Int
    let clock: @Sendable () -> Int64
    private var failures: [String: (attempts: Int, retryAt: Int64)] = [:]

    public init(database: ExportDatabase, runner: ExportRunner, lag: Int64 = 2_000_000_000,
                maxAttemptsPerWindow: Int = 30, logger: Logger = Logger(label: "sprite.export"),
                clock: @escaping @Sendable () -> Int64 = ExportScheduler.realtimeNanos) {
        self.database = database
        self.runner = runner
        self.lag = lag
        self.maxAttemptsPerWindow = maxAttemptsPerWindow
        self.logger = logger
        self.clock = clock
    }

    public static let realtimeNanos: @Sendable () -> Int64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Validates and adds a schedule; its first window is the `every` that ends now (less the lag).
    /// - Throws: ``ExportError`` — `badScript` with line and column, `badSchedule`, `exists`.
    public func add(name: String, script: String, every: Int64, endpoint: String, headers: [String: String] = [:],
                    encoding: String = "protobuf") throws(ExportError) -> ExportSchedule {
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 == 45 || $0 == 46 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }) else {
            throw ExportError(.badSchedule, "an export name uses letters, digits, '-', '_' and '.', got '\(name)'")
        }
        guard every >= 1_000_000_000 else { throw ExportError(.badSchedule, "--every must be at least 1s") }
        guard endpoint.isEmpty || endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
            throw ExportError(.badSchedule, "--endpoint must be an http(s) URL, got '\(endpoint)'")
        }
        guard encoding == "protobuf" || encoding == "json" else { throw ExportError(.badSchedule, "encoding is protobuf or json") }
        let now = clock()
        let compiled = try ExportRunner.compile(script, catalog: runner.engine.catalog, start: now - lag - every, end: now - lag)
        if endpoint.isEmpty, compiled.exports.contains(where: { $0.spec.endpoint.url.isEmpty }) {
            throw ExportError(.badSchedule, "the script's px.otel.Data has no endpoint=; give one with --endpoint URL")
        }
        let schedule = ExportSchedule(name: name, script: script, every: every, endpoint: endpoint, headers: headers,
                                      encoding: encoding, lastEnd: now - lag - every, created: now)
        try database.add(schedule)
        logger.notice("export added", metadata: ["name": "\(name)", "every_s": "\(every / 1_000_000_000)"])
        return schedule
    }

    public func remove(_ name: String) throws(ExportError) {
        try database.remove(name)
        failures[name] = nil
    }

    public func schedules() throws(ExportError) -> [ExportSchedule] { try database.schedules() }

    public func history(_ name: String) throws(ExportError) -> [ExportRun] {
        guard try database.schedule(named: name) != nil else { throw ExportError(.unknownSchedule, "no export named '\(name)'") }
        return try database.history(name)
    }

    /// Runs due windows until the task is cancelled.
    public func run(tick: Duration = .milliseconds(250)) async {
        while !Task.isCancelled {
            await runDue()
            try? await Task.sleep(for: tick)
        }
    }

    /// Runs every window that is due now, oldest first per schedule.
    public func runDue() async {
        guard let all = try? database.schedules() else { return }
        for var s in all {
            while !Task.isCancelled {
                let now = clock()
                let end = s.lastEnd + s.every
                guard end <= now - lag else { break }
                if let f = failures[s.name], f.retryAt > now { break }
                let started = clock()
                do {
                    let result = try await runner.run(s, start: s.lastEnd, end: end)
                    try? database.record(ExportRun(schedule: s.name, windowStart: s.lastEnd, windowEnd: end, started: started, finished: clock(),
                                                   status: .ok, items: result.report.items, bytes: result.report.bytes,
                                                   rejected: result.report.rejected, attempts: result.report.attempts,
                                                   message: result.report.messages.joined(separator: "; ")))
                    advance(&s, to: end)
                } catch {
                    let message = (error as? OTLPError)?.message ?? (error as? ExportError)?.message ?? "\(error)"
                    let refused = (error as? OTLPError)?.code == .rejected || (error as? ExportError)?.code == .badScript
                    let attempts = (failures[s.name]?.attempts ?? 0) + 1
                    let giveUp = refused || attempts >= maxAttemptsPerWindow
                    try? database.record(ExportRun(schedule: s.name, windowStart: s.lastEnd, windowEnd: end, started: started, finished: clock(),
                                                   status: giveUp ? .failed : .retrying, items: 0, bytes: 0, rejected: 0,
                                                   attempts: attempts, message: message))
                    if giveUp {
                        logger.error("export window failed; moving on", metadata: ["name": "\(s.name)", "window_start": "\(s.lastEnd)", "error": "\(message)"])
                        advance(&s, to: end)
                    } else {
                        let delay = min(s.every, Int64(1_000_000_000) << min(attempts - 1, 5))
                        failures[s.name] = (attempts, clock() + delay)
                        logger.warning("export window failed; will retry", metadata: ["name": "\(s.name)", "attempt": "\(attempts)", "error": "\(message)"])
                        break
                    }
                }
            }
        }
    }

    private func advance(_ s: inout ExportSchedule, to end: Int64) {
        s.lastEnd = end
        failures[s.name] = nil
        do { try database.setLastEnd(s.name, end) } catch {
            logger.error("cannot record export progress", metadata: ["name": "\(s.name)", "error": "\(error.message)"])
        }
    }
}
