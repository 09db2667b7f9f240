import CSpriteBPF
import Logging
import SpriteStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The edge collector: traces every TCP connection on the node through eBPF syscall tracepoints,
/// turns HTTP/1.x traffic into `http_events` rows and keeps `conn_stats`, `process_stats` and
/// `sprite_collector_stats`, all appended to a ``TableStore``.
///
/// ```swift
/// let collector = try Collector(store: store, configuration: .init(), logger: logger)
/// try collector.start()   // optional: attached when it returns
/// let task = Task { try await collector.run() }
/// ...
/// task.cancel()   // detaches the programs and writes the last rows
/// ```
public final class Collector: Sendable {
    private let store: TableStore
    private let configuration: CollectorConfiguration
    private let logger: Logger
    private let program: BPFProgram
    private let processor: EventProcessor
    private let clocks: Clocks
    private let schedule: Mutex<Schedule>
    private let lifecycle = Mutex(Lifecycle.idle)
    /// TLS plaintext capture (nil when off or when its BPF object could not load: `tlsStatus` says why).
    let tls: SSLProbeManager?
    private let tlsStatus: String?

    /// Checks privileges, BTF and tracepoints, and loads (verifies) the BPF programs; nothing is
    /// attached until ``run()``. Throws a ``CollectorError`` that says what is missing and how to fix it.
    public init(store: TableStore, configuration: CollectorConfiguration = CollectorConfiguration(), logger: Logger) throws(CollectorError) {
        try configuration.validate()
        try KernelEnvironment.check(logger: logger)
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.clocks = Clocks()
        self.program = try BPFProgram(configuration: configuration, logger: logger)
        self.processor = EventProcessor(configuration: configuration, clocks: clocks, logger: logger)
        (tls, tlsStatus) = Self.loadTLS(program: program, configuration: configuration, logger: logger)
        let now = ContinuousClock.now
        self.schedule = Mutex(Schedule(
            nextFlush: now + configuration.flushInterval, nextConnStats: now + configuration.connStatsInterval,
            nextProcessStats: now + configuration.processStatsInterval,
            nextCollectorStats: now + configuration.collectorStatsInterval))
    }

    /// The collector's counters so far.
    public var stats: CollectorStats {
        var s = processor.stats
        s.drops = program.counter(Int32(SPRITE_COUNTER_RINGBUF_DROPS.rawValue))
        s.tlsUnattributed = program.counter(Int32(SPRITE_COUNTER_TLS_NO_FD.rawValue))
        return s
    }

    /// Attaches the programs and starts consuming events and discovering TLS libraries, on
    /// dedicated threads; returns once everything is attached, so traffic from then on is
    /// traced. Idempotent. ``run()`` calls it; call it first to know tracing is on before going
    /// on (a task can start late on a busy cooperative pool).
    public func start() throws(CollectorError) {
        try lifecycle.withLock { (l: inout Lifecycle) throws(CollectorError) in
            guard case .idle = l else { return }
            let failures = try program.attach(logger: logger)
            processor.updateStats { $0.attachFailures = failures }
            let poller: RingBufferPoller
            do throws(CollectorError) {
                poller = try RingBufferPoller(
                    mapFD: program.eventsFD, processor: processor, pollInterval: configuration.pollInterval, logger: logger) { [self] in
                    housekeeping()
                }
            } catch {
                program.detach()
                throw error
            }
            tls?.start { [processor] in processor.takeExecs() }
            logger.info("collector attached", metadata: ["optionalFailures": "\(failures.count)"])
            var message = failures.isEmpty ? "started" : "started; not attached: " + failures.joined(separator: "; ")
            if let tlsStatus { message += "; " + tlsStatus }
            writeCollectorStats(message: message)
            poller.start()
            l = .running(poller)
        }
    }

    /// Detaches the programs, drains the events already queued and writes the remaining rows
    /// (idempotent; a stopped collector does not start again).
    public func stop() {
        lifecycle.withLock { l in
            guard case .running(let poller) = l else {
                l = .stopped
                return
            }
            l = .stopped
            tls?.stop()
            program.detach()
            poller.stop()
            processor.sampleConnStats(kernelBytes: [:], now: Clocks.realtime())
            flush()
            writeCollectorStats(message: "stopped", tlsNotes: false)
            logger.info("collector detached")
        }
    }

    /// Attaches the programs (``start()``, if not started yet) and collects until the task is
    /// cancelled, then detaches and writes the remaining rows (``stop()``). Rows become visible
    /// at least every ``CollectorConfiguration/flushInterval``. Events are consumed and rows
    /// written on a dedicated thread; this task only waits.
    public func run() async throws {
        try start()
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
        stop()
    }

    private enum Lifecycle {
        case idle
        case running(RingBufferPoller)
        case stopped
    }

    private struct Schedule {
        var nextFlush: ContinuousClock.Instant
        var nextConnStats: ContinuousClock.Instant
        var nextProcessStats: ContinuousClock.Instant
        var nextCollectorStats: ContinuousClock.Instant
    }

    /// Periodic work, run on the polling thread.
    private func housekeeping() {
        for o in processor.takeOverrides() { program.overrideProtocol(o) }
        let now = ContinuousClock.now
        let (flushDue, connDue, processDue, statsDue) = schedule.withLock { s in
            guard now >= s.nextFlush else { return (false, false, false, false) }
            s.nextFlush = now + configuration.flushInterval
            let c = now >= s.nextConnStats, p = now >= s.nextProcessStats, t = now >= s.nextCollectorStats
            if c { s.nextConnStats = now + configuration.connStatsInterval }
            if p { s.nextProcessStats = now + configuration.processStatsInterval }
            if t { s.nextCollectorStats = now + configuration.collectorStatsInterval }
            return (true, c, p, t)
        }
        guard flushDue else { return }
        if connDue {
            processor.sampleConnStats(kernelBytes: program.connectionBytes(), now: Clocks.realtime())
            processor.expireIdle(nowMonotonic: UInt64(Clocks.monotonic()))
        }
        writeProcessStats(all: processDue)
        let exited = processor.takeExited()
        program.forgetProcesses(exited)
        tls?.processesExited(exited)
        flush()
        if statsDue { writeCollectorStats(message: "") }
    }

    private func append(_ batch: RecordBatch) {
        guard batch.count > 0, let table = store.table(named: batch.schema.name) else { return }
        do {
            try table.append(batch)
            processor.updateStats { s in
                s.rows += batch.count
                if batch.schema.name == Schemas.httpEvents.name { s.httpRows += batch.count }
            }
        } catch {
            logger.error("append failed", metadata: ["table": "\(batch.schema.name)", "error": "\(error)"])
        }
    }

    private func flush() {
        for batch in processor.takeBatches() { append(batch) }
    }

    private func writeProcessStats(all: Bool) {
        let pids = processor.processesToSample(all: all)
        guard !pids.isEmpty else { return }
        var b = RecordBatchBuilder(schema: Schemas.processStats, capacity: pids.count)
        let now = Clocks.realtime()
        for (pid, upid) in pids where !ProcessStatsSampler.appendRow(pid: pid, upid: upid, time: now, to: &b) {
            processor.forgetProcess(pid)
        }
        append(b.finish())
    }

    /// Writes a `sprite_collector_stats` row; with `tlsNotes`, TLS probe attachments and
    /// failures since the last row are appended to `message`.
    private func writeCollectorStats(message: String, tlsNotes: Bool = true) {
        var message = message
        if tlsNotes, let notes = tls?.takeMessages(), !notes.isEmpty {
            message += (message.isEmpty ? "" : "; ") + notes.joined(separator: "; ")
        }
        let s = stats
        var b = RecordBatchBuilder(schema: Schemas.collectorStats, capacity: 1)
        b.append(Clocks.realtime(), to: 0)
        b.append(configuration.hostname ?? Self.hostname(), to: 1)
        b.append(Int64(s.events), to: 2)
        b.append(Int64(s.eventBytes), to: 3)
        b.append(Int64(s.drops), to: 4)
        b.append(Int64(s.parseErrors), to: 5)
        b.append(Int64(s.connections), to: 6)
        b.append(Int64(s.rows + 1), to: 7)
        b.append(message, to: 8)
        b.append(Int64(s.protocolCorrections), to: 9)
        b.finishRow()
        append(b.finish())
        logger.debug("collector stats", metadata: [
            "events": "\(s.events)", "bytes": "\(s.eventBytes)", "drops": "\(s.drops)",
            "parseErrors": "\(s.parseErrors)", "connections": "\(s.connections)", "rows": "\(s.rows)",
        ])
    }

    /// Loads the TLS tracer; failure only turns TLS capture off, with the reason.
    private static func loadTLS(program: BPFProgram, configuration: CollectorConfiguration, logger: Logger) -> (SSLProbeManager?, String?) {
        guard configuration.traceTLS else { return (nil, nil) }
        do {
            let tlsProgram = try TLSProgram(socket: program, configuration: configuration, logger: logger)
            return (SSLProbeManager(program: tlsProgram, rescanInterval: configuration.tlsRescanInterval, logger: logger), nil)
        } catch {
            logger.warning("TLS capture off", metadata: ["reason": "\(error.message)"])
            return (nil, "tls: \(error.message)")
        }
    }

    private static func hostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, 255)
        return String(cString: buf)
    }
}
