import Foundation
import Hummingbird
import NIOCore
import SpriteEngine
import SpriteStore

extension APIServer {
    func addEdgeRoutes(_ router: Router<SpriteRequestContext>, _ service: QueryService, queryRoutes: Bool) {
        let configuration = self.configuration, metrics = self.metrics, logger = self.logger
        router.post("/api/v1/internal/fragments") { request, context -> Response in
            guard metrics.enter(limit: configuration.maxConcurrentQueries) else {
                return Self.json(.tooManyRequests, ClusterError(.busy, "this edge runs \(configuration.maxConcurrentQueries) queries already").json())
            }
            defer { metrics.leave() }
            // Run cancelled as soon as the aggregator closes its side of the connection (it gave
            // up: its client went away or the deadline passed).
            let limit = configuration.maxQueryBytes + (1 << 20)
            let result: Result<([RecordBatch], EdgeStats), ClusterError>
            do {
                result = try await request.body.consumeWithCancellationOnInboundClose { body in
                    guard let buffer = try? await body.collect(upTo: limit) else {
                        return .failure(ClusterError(.tooLarge, "the fragment request is too large"))
                    }
                    let fragmentRequest: FragmentRequest
                    do { fragmentRequest = try JSONDecoder().decode(FragmentRequest.self, from: Data(buffer.readableBytesView)) } catch {
                        return .failure(ClusterError(.badRequest, "the body is not a fragment request: \(Self.describe(error))"))
                    }
                    let r = await Self.offload { () -> Result<([RecordBatch], EdgeStats), ClusterError> in
                        Result { () throws(ClusterError) -> ([RecordBatch], EdgeStats) in try service.runFragments(fragmentRequest) }
                    }
                    if let delay = configuration.fragmentDelay { try? await Task.sleep(for: delay) }
                    if Task.isCancelled { return .failure(ClusterError(.cancelled, "the aggregator went away")) }
                    return r
                }
            } catch {
                result = .failure(ClusterError(.cancelled, "the aggregator went away"))
            }
            if case .failure(let e) = result, e.code == .cancelled {
                metrics.recordFragments(bytes: 0, cancelled: true)
                logger.debug("aggregator went away; fragments abandoned")
                return Self.json(Self.status(for: e), e.json())
            }
            let batches: [RecordBatch], stats: EdgeStats
            switch result {
            case .success(let r): (batches, stats) = r
            case .failure(let e):
                logger.debug("fragments failed", metadata: ["error": "\(e.message)"])
                return Self.json(Self.status(for: e), e.json())
            }
            return Response(status: .ok, headers: [.contentType: FragmentStream.contentType],
                            body: ResponseBody { writer in
                var sent = 0
                do {
                    try await writer.write(ByteBuffer(bytes: FragmentStream.magic))
                    sent += FragmentStream.magic.count
                    for (i, batch) in batches.enumerated() {
                        // Frames are encoded one at a time; each write waits for the network.
                        for frame in FragmentStream.frames(index: i, batch: batch) {
                            try Task.checkCancellation()
                            try await writer.write(ByteBuffer(bytes: frame))
                            sent += frame.count
                        }
                    }
                    let end = FragmentStream.endFrame(stats)
                    try await writer.write(ByteBuffer(bytes: end))
                    sent += end.count
                    try await writer.finish(nil)
                    metrics.recordFragments(bytes: sent, cancelled: false)
                } catch {
                    metrics.recordFragments(bytes: sent, cancelled: true)
                    logger.debug("aggregator went away; fragment answer abandoned", metadata: ["bytes": "\(sent)"])
                    throw error
                }
            })
        }
        router.post("/api/v1/tables/{table}/csv") { request, context -> Response in
            let name = context.parameters.get("table") ?? ""
            guard let table = service.store.table(named: name) else {
                return Self.json(.notFound, ClusterError(.notFound, "table '\(name)' does not exist; tables: \(service.store.tableNames.joined(separator: ", "))").json())
            }
            guard let bytes = await Self.body(request, limit: configuration.maxLoadBytes) else {
                return Self.json(.contentTooLarge, ClusterError(.tooLarge, "the upload is larger than \(configuration.maxLoadBytes) bytes").json())
            }
            let result = await Self.offload { () -> Result<Int, ClusterError> in
                var rows = 0
                do {
                    // Batches are appended as they are parsed, compressed at once; a bad line stops
                    // the load and the error says how many rows before it were loaded.
                    try CSVBatchReader(schema: table.schema).read(bytes) { batch in
                        try table.append(batch, compacted: true)
                        rows += batch.count
                    }
                    return .success(rows)
                } catch let e as StoreError {
                    return .failure(ClusterError(.badRequest, "\(e.message) (\(rows) rows before it were loaded)"))
                } catch {
                    return .failure(ClusterError(.badRequest, "\(error)"))
                }
            }
            switch result {
            case .success(let rows): return Self.json(.ok, Array("{\"table\":\"\(name)\",\"rows\":\(rows)}".utf8))
            case .failure(let e): return Self.json(.badRequest, e.json())
            }
        }
        guard queryRoutes else { return }
        router.post("/api/v1/query") { request, _ -> Response in
            guard metrics.enter(limit: configuration.maxConcurrentQueries) else {
                return Self.json(.tooManyRequests, ClusterError(.busy, "\(configuration.maxConcurrentQueries) queries run already; retry later").json())
            }
            defer { metrics.leave() }
            let started = QueryService.monotonicNanos()
            let query: QueryRequest
            switch await Self.decodeQuery(request, limit: configuration.maxQueryBytes) {
            case .success(let q): query = q
            case .failure(let e):
                metrics.recordQuery(outcome: e.code.rawValue, seconds: 0, rows: 0)
                return Self.json(Self.status(for: e), e.json())
            }
            let result = await Self.offload { () -> Result<QueryService.Answer, ClusterError> in
                Result { () throws(ClusterError) -> QueryService.Answer in try service.run(query) }
            }
            let seconds = Double(QueryService.monotonicNanos() - started) / 1e9
            switch result {
            case .success(let answer):
                metrics.recordQuery(outcome: "ok", seconds: seconds, rows: answer.tables.reduce(0) { $0 + $1.batch.count })
                // The broker's answer shape, with this node as the only agent.
                let local = Coordinator.Answer(
                    tables: answer.tables, agents: [.init(name: "local", url: "local", state: .ok, message: "")],
                    compileNanos: answer.compileNanos, execNanos: answer.execNanos, rowsProcessed: answer.rowsProcessed,
                    bytesProcessed: answer.bytesProcessed, bytesFromEdges: 0)
                return Self.json(.ok, local.json())
            case .failure(let error):
                metrics.recordQuery(outcome: error.code.rawValue, seconds: seconds, rows: 0)
                logger.debug("query failed", metadata: ["error": "\(error.message)"])
                return Self.json(Self.status(for: error), error.json())
            }
        }
        router.get("/api/v1/tables") { _, _ in
            Self.json(.ok, Self.tablesJSON(service.store.tableInfos.map { (TableSummary($0), nil) }))
        }
        router.get("/api/v1/schemas") { _, _ in
            Self.json(.ok, Self.schemasJSON(service.store.tableNames.compactMap { service.store.table(named: $0)?.schema }))
        }
    }

    /// Reads and decodes a query body.
    static func decodeQuery(_ request: Request, limit: Int) async -> Result<QueryRequest, ClusterError> {
        decodeQuery(await Self.body(request, limit: limit), limit: limit)
    }

    /// Decodes a query body; `nil` means it was larger than `limit`.
    static func decodeQuery(_ body: [UInt8]?, limit: Int) -> Result<QueryRequest, ClusterError> {
        guard let body else {
            return .failure(ClusterError(.tooLarge, "the query body is larger than \(limit) bytes (--max-query-bytes)"))
        }
        do {
            let q = try JSONDecoder().decode(QueryRequest.self, from: Data(body))
            if let t = q.timeout, !(t > 0 && t.isFinite) {
                return .failure(ClusterError(.badRequest, "timeout must be a positive number of seconds, got \(t)"))
            }
            return .success(q)
        } catch {
            return .failure(ClusterError(.badRequest, "the body is not a query: expected JSON {\"script\": \"...\", \"func\"?, \"args\"?, \"strict\"?, \"timeout\"?}: \(Self.describe(error))"))
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let c)?: return "invalid JSON (\(c.debugDescription))"
        case .keyNotFound(let k, _)?: return "missing field '\(k.stringValue)'"
        case .typeMismatch(_, let c)?: return "field '\(c.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case .valueNotFound(_, let c)?: return "field '\(c.codingPath.map(\.stringValue).joined(separator: "."))' is null"
        default: return "\(error)"
        }
    }

    /// `{"tables": [{"name", "rows", "bytes", ...}]}`; `agents` counts the edges holding a table.
    static func tablesJSON(_ infos: [(TableSummary, Int?)]) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"tables\":[")
        for (i, (t, agents)) in infos.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"name\":"); w.string(t.name)
            w.raw(",\"rows\":"); w.int(Int64(t.rows))
            w.raw(",\"bytes\":"); w.int(Int64(t.bytes))
            w.raw(",\"hot_bytes\":"); w.int(Int64(t.hotBytes))
            w.raw(",\"cold_bytes\":"); w.int(Int64(t.coldBytes))
            w.raw(",\"byte_budget\":"); w.int(Int64(t.byteBudget))
            w.raw(",\"oldest_time\":"); if let o = t.oldestTime { w.int(o) } else { w.raw("null") }
            w.raw(",\"newest_time\":"); if let n = t.newestTime { w.int(n) } else { w.raw("null") }
            w.raw(",\"expired_rows\":"); w.int(Int64(t.expiredRows))
            w.raw(",\"evicted_rows\":"); w.int(Int64(t.evictedRows))
            if let agents { w.raw(",\"agents\":"); w.int(Int64(agents)) }
            w.byte(UInt8(ascii: "}"))
        }
        w.raw("]}")
        return w.bytes
    }

    /// `{"tables": [{"name", "columns": [{"name", "type", "semantic_type", "description"}]}]}`.
    static func schemasJSON(_ schemas: [Schema]) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"tables\":[")
        for (i, schema) in schemas.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"name\":"); w.string(schema.name); w.raw(",\"columns\":[")
            for (j, f) in schema.fields.enumerated() {
                if j > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"name\":"); w.string(f.name)
                w.raw(",\"type\":"); w.string(f.type.rawValue)
                w.raw(",\"semantic_type\":"); w.string(f.semanticType.rawValue)
                w.raw(",\"description\":"); w.string(f.description)
                w.byte(UInt8(ascii: "}"))
            }
            w.raw("]}")
        }
        w.raw("]}")
        return w.bytes
    }
}
