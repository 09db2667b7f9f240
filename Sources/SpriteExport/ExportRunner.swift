import SpriteEngine
import SpriteOTLP
import SpritePxL
import SpriteStore

/// Compiles an export script for one window, runs it, and sends its data.
public struct ExportRunner: Sendable {
    public let engine: any ExportQueryEngine
    public let exporter: OTLPExporter

    public init(engine: any ExportQueryEngine, exporter: OTLPExporter = OTLPExporter(maxAttempts: 3, initialBackoff: 0.25, maxBackoff: 5)) {
        self.engine = engine
        self.exporter = exporter
    }

    /// Compiles `script` as a scheduled export for the window `start ..< end`.
    /// - Throws: ``ExportError`` `badScript` with the line and column, also when the script exports
    ///   nothing or does not read `px.plugin.start_time` (windows would overlap).
    public static func compile(_ script: String, catalog: any Catalog, start: Int64, end: Int64) throws(ExportError) -> CompiledScript {
        var compiler = PxLCompiler(catalog: catalog, now: end)
        compiler.pluginWindow = pluginWindow(start: start, end: end)
        let compiled: CompiledScript
        do { compiled = try compiler.compile(script) } catch {
            throw ExportError(.badScript, error.description, line: error.line > 0 ? error.line : nil, column: error.column > 0 ? error.column : nil)
        }
        guard !compiled.exports.isEmpty else {
            throw ExportError(.badScript, "the script exports nothing: call px.export(df, px.otel.Data(...))")
        }
        guard compiled.usesPluginWindow else {
            throw ExportError(.badScript, "a scheduled export must read its window: px.DataFrame(..., start_time=px.plugin.start_time, end_time=px.plugin.end_time); otherwise runs would export the same rows again")
        }
        return compiled
    }

    /// `px.plugin.start_time` and `end_time` of the run over `start ..< end`: windows are
    /// half-open, scans are inclusive, so the script sees `start ... end - 1`. `px.now()` is `end`.
    public static func pluginWindow(start: Int64, end: Int64) -> (start: Int64, end: Int64) {
        (start, end - 1)
    }

    /// What one run sent.
    public struct Result: Sendable {
        public var report = OTLPExporter.Report()
        public var rows = 0
    }

    /// Runs `schedule`'s script over `start ..< end` and sends every export.
    public func run(_ schedule: ExportSchedule, start: Int64, end: Int64) async throws -> Result {
        let compiled = try Self.compile(schedule.script, catalog: engine.catalog, start: start, end: end)
        let batches = try await engine.runExports(of: compiled, script: schedule.script, start: start, end: end)
        guard batches.count == compiled.exports.count else {
            throw ExportError(.runFailed, "the query answered \(batches.count) export frames, the script has \(compiled.exports.count)")
        }
        var result = Result()
        for (export, batch) in zip(compiled.exports, batches) {
            var endpoint = export.spec.endpoint
            if endpoint.url.isEmpty {
                guard !schedule.endpoint.isEmpty else {
                    throw ExportError(.badSchedule, "the script's px.otel.Data has no endpoint and the schedule names none (--endpoint)")
                }
                endpoint.url = schedule.endpoint
            }
            for (k, v) in schedule.headers where endpoint.headers[k] == nil { endpoint.headers[k] = v }
            if schedule.encoding == "json" { endpoint.encoding = .json }
            let requests = try ExportBuilder(window: (start, end)).requests(for: batch, spec: export.spec, now: end)
            let report = try await exporter.send(requests, to: endpoint)
            result.rows += batch.count
            result.report.requests += report.requests
            result.report.items += report.items
            result.report.bytes += report.bytes
            result.report.rejected += report.rejected
            result.report.attempts += report.attempts
            result.report.messages += report.messages
        }
        return result
    }
}
