import Dispatch
import Foundation
import Hummingbird
import Logging
import SpriteEngine
import SpriteStore

/// The HTTP API of one node: queries, table listings and CSV loading.
///
/// Routes:
/// - `GET /healthz`
/// - `POST /api/v1/query` with a ``QueryRequest`` JSON body
/// - `GET /api/v1/tables`, `GET /api/v1/schemas`
/// - `POST /api/v1/tables/{table}/csv` with CSV rows (header line first) to append
public struct NodeServer: Sendable {
    /// Where to listen.
    public var host: String
    public var port: Int
    public let service: QueryService
    let logger: Logger
    /// Largest query body accepted.
    public var maxQueryBytes = 4 << 20
    /// Largest CSV upload accepted.
    public var maxLoadBytes = 4 << 30

    public init(host: String, port: Int, service: QueryService, logger: Logger = Logger(label: "sprite.api")) {
        self.host = host
        self.port = port
        self.service = service
        self.logger = logger
    }

    /// Serves until the task is cancelled or the process receives SIGINT/SIGTERM.
    /// - Parameter onStarted: called with the bound port once the server listens.
    public func run(onStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        let service = self.service
        let maxQueryBytes = self.maxQueryBytes, maxLoadBytes = self.maxLoadBytes
        let logger = self.logger
        router.get("/healthz") { _, _ in
            Self.json(.ok, Array(#"{"status":"ok"}"#.utf8))
        }
        router.post("/api/v1/query") { request, _ -> Response in
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: maxQueryBytes) } catch {
                return Self.json(.contentTooLarge, ClusterError(.badRequest, "the query body is larger than \(maxQueryBytes) bytes").json())
            }
            let query: QueryRequest
            do { query = try JSONDecoder().decode(QueryRequest.self, from: Data(body.readableBytesView)) } catch {
                return Self.json(.badRequest, ClusterError(.badRequest, "the body is not a query: expected JSON {\"script\": \"...\", \"func\"?, \"args\"?}: \(error)").json())
            }
            let result = await Self.offload { () -> Result<[UInt8], ClusterError> in
                Result { () throws(ClusterError) -> [UInt8] in try service.run(query).json() }
            }
            switch result {
            case .success(let bytes): return Self.json(.ok, bytes)
            case .failure(let error):
                logger.debug("query failed", metadata: ["error": "\(error.message)"])
                return Self.json(error.code == .compile ? .badRequest : .internalServerError, error.json())
            }
        }
        router.get("/api/v1/tables") { _, _ in
            var w = JSONWriter()
            w.raw("{\"tables\":[")
            for (i, t) in service.store.tableInfos.enumerated() {
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
                w.byte(UInt8(ascii: "}"))
            }
            w.raw("]}")
            return Self.json(.ok, w.bytes)
        }
        router.get("/api/v1/schemas") { _, _ in
            var w = JSONWriter()
            w.raw("{\"tables\":[")
            for (i, name) in service.store.tableNames.enumerated() {
                guard let schema = service.store.table(named: name)?.schema else { continue }
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"name\":"); w.string(name); w.raw(",\"columns\":[")
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
            return Self.json(.ok, w.bytes)
        }
        router.post("/api/v1/tables/{table}/csv") { request, context -> Response in
            let name = context.parameters.get("table") ?? ""
            guard let table = service.store.table(named: name) else {
                return Self.json(.notFound, ClusterError(.badRequest, "table '\(name)' does not exist; tables: \(service.store.tableNames.joined(separator: ", "))").json())
            }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: maxLoadBytes) } catch {
                return Self.json(.contentTooLarge, ClusterError(.badRequest, "the upload is larger than \(maxLoadBytes) bytes").json())
            }
            let bytes = Array(body.readableBytesView)
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
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "sprite"),
            onServerRunning: { channel in await onStarted(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService()
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Runs CPU-bound work off the cooperative thread pool.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}
