import CSpriteBPF
import Logging
import SpriteStore

#if canImport(Glibc)
import Glibc
#endif

/// The edge collector: traces every TCP connection on the node through eBPF syscall tracepoints,
/// turns HTTP/1.x traffic into `http_events` rows and keeps `conn_stats`, `process_stats` and
/// `sprite_collector_stats`, all appended to a ``TableStore``.
///
/// ```swift
/// let collector = try Collector(store: store, configuration: .init(), logger: logger)
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
    }

    /// The collector's counters so far.
    public var stats: CollectorStats {
        var s = processor.stats
        s.drops = program.counter(Int32(SPRITE_COUNTER_RINGBUF_DROPS.rawValue))
        return s
    }

    /// Attaches the programs and collects until the task is cancelled, then detaches and writes
    /// the remaining rows. Rows become visible at least every ``CollectorConfiguration/flushInterval``.
    public func run() async throws {
        let failures = try program.attach(logger: logger)
        processor.updateStats { $0.attachFailures = failures }
        let poller = try RingBufferPoller(mapFD: program.eventsFD, processor: processor, logger: logger)
        poller.start()
        logger.info("collector attached", metadata: ["optionalFailures": "\(failures.count)"])
        let message = failures.isEmpty ? "started" : "started; not attached: " + failures.joined(separator: "; ")
        writeCollectorStats(message: message)

        let clock = ContinuousClock()
        var nextConnStats = clock.now + configuration.connStatsInterval
        var nextProcessStats = clock.now + configuration.processStatsInterval
        var nextCollectorStats = clock.now + configuration.collectorStatsInterval
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.flushInterval)
            let now = clock.now
            if now >= nextConnStats {
                nextConnStats = now + configuration.connStatsInterval
                processor.sampleConnStats(kernelBytes: program.connectionBytes(), now: Clocks.realtime())
                processor.expireIdle(nowMonotonic: UInt64(Clocks.monotonic()))
            }
            let allProcesses = now >= nextProcessStats
            if allProcesses { nextProcessStats = now + configuration.processStatsInterval }
            writeProcessStats(all: allProcesses)
            program.forgetProcesses(processor.takeExited())
            flush()
            if now >= nextCollectorStats {
                nextCollectorStats = now + configuration.collectorStatsInterval
                writeCollectorStats(message: "")
            }
        }
        program.detach()
        poller.stop()
        processor.sampleConnStats(kernelBytes: [:], now: Clocks.realtime())
        flush()
        writeCollectorStats(message: "stopped")
        logger.info("collector detached")
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

    private func writeCollectorStats(message: String) {
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
        b.finishRow()
        append(b.finish())
        logger.debug("collector stats", metadata: [
            "events": "\(s.events)", "bytes": "\(s.eventBytes)", "drops": "\(s.drops)",
            "parseErrors": "\(s.parseErrors)", "connections": "\(s.connections)", "rows": "\(s.rows)",
        ])
    }

    private static func hostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, 255)
        return String(cString: buf)
    }
}
