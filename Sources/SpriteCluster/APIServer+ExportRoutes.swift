import Foundation
import Hummingbird
import NIOCore
import SpriteExport
import SpriteStore

/// The body of `POST /api/v1/exports`.
public struct ExportAddRequest: Codable, Sendable {
    public var name: String
    public var script: String
    /// Interval and window length, in seconds.
    public var everySeconds: Double
    /// Default endpoint for exports whose script names none.
    public var endpoint: String?
    public var headers: [String: String]?
    /// `protobuf` (default) or `json`.
    public var encoding: String?

    enum CodingKeys: String, CodingKey {
        case name, script, everySeconds = "every_seconds", endpoint, headers, encoding
    }
}

extension APIServer {
    /// Export schedules: `POST /api/v1/exports`, `GET /api/v1/exports`,
    /// `GET /api/v1/exports/{name}/history`, `DELETE /api/v1/exports/{name}`.
    func addExportRoutes(_ router: Router<SpriteRequestContext>, _ scheduler: ExportScheduler) {
        let limit = configuration.maxQueryBytes
        router.post("/api/v1/exports") { request, _ -> Response in
            guard let body = await Self.body(request, limit: limit) else {
                return Self.json(.contentTooLarge, ClusterError(.tooLarge, "the request is larger than \(limit) bytes").json())
            }
            let add: ExportAddRequest
            do { add = try JSONDecoder().decode(ExportAddRequest.self, from: Data(body)) } catch {
                return Self.json(.badRequest, ClusterError(.badRequest, "expected JSON {\"name\", \"script\", \"every_seconds\", \"endpoint\"?, \"headers\"?, \"encoding\"?}: \(error)").json())
            }
            do {
                let s = try await scheduler.add(name: add.name, script: add.script, every: Int64(add.everySeconds * 1e9),
                                                endpoint: add.endpoint ?? "", headers: add.headers ?? [:], encoding: add.encoding ?? "protobuf")
                return Self.json(.created, Self.exportJSON([s], history: [:]))
            } catch {
                let e = Self.exportError(error)
                return Self.json(e.code == .exists ? .conflict : .badRequest, Self.exportErrorJSON(e))
            }
        }
        router.get("/api/v1/exports") { _, _ -> Response in
            do {
                let all = try await scheduler.schedules()
                var last: [String: ExportRun] = [:]
                for s in all { last[s.name] = try await scheduler.history(s.name).last }
                return Self.json(.ok, Self.exportJSON(all, history: last))
            } catch {
                return Self.json(.internalServerError, Self.exportErrorJSON(Self.exportError(error)))
            }
        }
        router.get("/api/v1/exports/{name}/history") { _, context -> Response in
            let name = context.parameters.get("name") ?? ""
            do {
                let runs = try await scheduler.history(name)
                var w = JSONWriter()
                w.raw("{\"name\":"); w.string(name); w.raw(",\"runs\":[")
                for (i, r) in runs.enumerated() {
                    if i > 0 { w.byte(44) }
                    w.raw("{\"window_start\":"); w.int(r.windowStart); w.raw(",\"window_end\":"); w.int(r.windowEnd)
                    w.raw(",\"started\":"); w.int(r.started); w.raw(",\"finished\":"); w.int(r.finished)
                    w.raw(",\"status\":"); w.string(r.status.rawValue); w.raw(",\"items\":"); w.int(Int64(r.items))
                    w.raw(",\"bytes\":"); w.int(Int64(r.bytes)); w.raw(",\"rejected\":"); w.int(Int64(r.rejected))
                    w.raw(",\"attempts\":"); w.int(Int64(r.attempts)); w.raw(",\"message\":"); w.string(r.message); w.byte(125)
                }
                w.raw("]}")
                return Self.json(.ok, w.bytes)
            } catch {
                let e = Self.exportError(error)
                return Self.json(e.code == .unknownSchedule ? .notFound : .internalServerError, Self.exportErrorJSON(e))
            }
        }
        router.delete("/api/v1/exports/{name}") { _, context -> Response in
            let name = context.parameters.get("name") ?? ""
            do {
                try await scheduler.remove(name)
                return Self.json(.ok, Array("{\"removed\":\"\(name)\"}".utf8))
            } catch {
                let e = Self.exportError(error)
                return Self.json(e.code == .unknownSchedule ? .notFound : .internalServerError, Self.exportErrorJSON(e))
            }
        }
    }

    static func exportJSON(_ schedules: [ExportSchedule], history: [String: ExportRun]) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"exports\":[")
        for (i, s) in schedules.enumerated() {
            if i > 0 { w.byte(44) }
            w.raw("{\"name\":"); w.string(s.name)
            w.raw(",\"every_seconds\":"); w.double(Double(s.every) / 1e9)
            w.raw(",\"endpoint\":"); w.string(s.endpoint)
            w.raw(",\"encoding\":"); w.string(s.encoding)
            w.raw(",\"last_end\":"); w.int(s.lastEnd)
            if let r = history[s.name] {
                w.raw(",\"last_run\":{\"status\":"); w.string(r.status.rawValue)
                w.raw(",\"window_end\":"); w.int(r.windowEnd); w.raw(",\"items\":"); w.int(Int64(r.items))
                w.raw(",\"message\":"); w.string(r.message); w.byte(125)
            }
            w.byte(125)
        }
        w.raw("]}")
        return w.bytes
    }

    static func exportError(_ error: any Error) -> ExportError {
        error as? ExportError ?? ExportError(.storage, "\(error)")
    }

    static func exportErrorJSON(_ e: ExportError) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"error\":{\"code\":"); w.string(e.code.rawValue); w.raw(",\"message\":"); w.string(e.message)
        if let l = e.line { w.raw(",\"line\":"); w.int(Int64(l)) }
        if let c = e.column { w.raw(",\"column\":"); w.int(Int64(c)) }
        w.raw("}}")
        return w.bytes
    }
}
