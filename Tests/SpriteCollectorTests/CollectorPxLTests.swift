import Foundation
import SpriteCluster
import SpriteStore
import Testing
@testable import SpriteCollector

/// The collector's rows as users see them: through a PxL script run by the node's QueryService
/// over the collector's store (root only).
extension RootIntegrationTests {
@Suite struct CollectorPxLTests {
    let service: QueryService

    init() throws {
        try Root.require()
        service = QueryService(store: Harness.shared.store)
    }

    /// Rows of the script's only table as name → value, once at least `count` exist.
    func query(_ script: String, count: Int) throws -> [[String: Value]] {
        var last: [[String: Value]] = []
        let deadline = Date().addingTimeInterval(10)
        repeat {
            let answer = try service.run(QueryRequest(script: script))
            let batch = try #require(answer.tables.first).batch
            last = (0..<batch.count).map { i in
                let values = batch.row(i)
                return Dictionary(uniqueKeysWithValues: batch.schema.fields.enumerated().map { ($1.name, values[$0]) })
            }
            if last.count >= count { return last }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        return last
    }

    @Test func curlRequestIsQueryableWithPxL() throws {
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        let path = "/pxl-unique-\(UInt32.random(in: 0...UInt32.max))?q=1"
        let curl = try Child("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{local_port}", "-X", "PATCH", "http://127.0.0.1:\(port)\(path)"])
        let clientPort = Int(curl.output()) ?? -1
        let script = """
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df = df[df.req_path == '\(path)']
            df = df[['req_method', 'req_path', 'resp_status', 'trace_role', 'local_port', 'remote_port', 'resp_body_size']]
            px.display(df, 'requests')
            """
        let rows = try query(script, count: 2)
        try #require(rows.count == 2, "rows: \(rows)")
        // http.server answers PATCH with 501: the row carries what went over the wire.
        let server_ = try #require(rows.first { $0["trace_role"]?.int == 2 })
        #expect(server_["req_method"]?.string == "PATCH")
        #expect(server_["req_path"]?.string == path)
        #expect(server_["resp_status"]?.int == 501)
        #expect(server_["local_port"]?.int == Int64(port))
        #expect(server_["remote_port"]?.int == Int64(clientPort))
        let client = try #require(rows.first { $0["trace_role"]?.int == 1 })
        #expect(client["req_method"]?.string == "PATCH")
        #expect(client["resp_status"]?.int == 501)
        #expect(client["remote_port"]?.int == Int64(port))
        #expect(client["local_port"]?.int == Int64(clientPort))
        #expect(client["resp_body_size"]?.int == server_["resp_body_size"]?.int)
    }

    /// A client that exits right after its request still has a name in `ctx`: the collector
    /// recorded it (from the kernel's open event) while the process ran.
    @Test func exitedClientKeepsItsServiceName() throws {
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        let path = "/ctx-unique-\(UInt32.random(in: 0...UInt32.max))"
        let curl = try Child("/usr/bin/curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)\(path)"])
        let curlPID = curl.pid
        _ = curl.output()
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(curlPID)"), "curl is gone before the query")
        let script = """
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df = df[df.req_path == '\(path)']
            df.service = df.ctx['service']
            df.pid = df.ctx['pid']
            df = df[['trace_role', 'service', 'pid']]
            px.display(df, 'requests')
            """
        let rows = try query(script, count: 2)
        let client = try #require(rows.first { $0["trace_role"]?.int == 1 }, "rows: \(rows)")
        #expect(client["service"]?.string == "curl")
        #expect(client["pid"]?.int == Int64(curlPID))
        let serverRow = try #require(rows.first { $0["trace_role"]?.int == 2 })
        #expect(serverRow["service"]?.string.hasPrefix("python") == true, "server row: \(serverRow)")
    }
}
}
