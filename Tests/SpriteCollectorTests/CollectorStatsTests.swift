import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// conn_stats, process_stats, collector self-telemetry and robustness (root only).
extension RootIntegrationTests {
@Suite struct CollectorStatsTests {
    init() throws { try Root.require() }

    @Test func connStatsCountConnectionsAndBytes() throws {
        let store = Harness.shared.store
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        let (out, clientPID) = try Scripts.client(["conns", "127.0.0.1", "\(port)", "3", "1000"])
        let sent = try #require(out["sent"] as? Int, "\(out)")
        let received = try #require(out["received"] as? Int)
        // The row written when the client's last connection closed.
        let row = Rows.waitFor { () -> [String: Value]? in
            Rows.all(store, "conn_stats").last {
                UPID($0["upid"]!.u128).pid == clientPID && $0["remote_port"]!.int == Int64(port) && $0["conn_close"]!.int == 3
            }
        }
        let r = try #require(row)
        #expect(r["conn_open"]!.int == 3)
        #expect(r["conn_close"]!.int == 3)
        #expect(r["conn_active"]!.int == 0)
        #expect(r["bytes_sent"]!.int == Int64(sent))
        #expect(r["bytes_recv"]!.int == Int64(received))
        #expect(r["remote_addr"]!.string == "127.0.0.1")
        #expect(r["role"]!.int == 1)
        #expect(r["addr_family"]!.int == 2)
        #expect(r["protocol"]!.int == 1)
        // The server side: three accepted connections from three client ports, one endpoint each.
        let serverRows = Rows.waitFor { () -> [[String: Value]]? in
            let r = Rows.all(store, "conn_stats").filter { UPID($0["upid"]!.u128).pid == server.pid && $0["conn_close"]!.int == 1 }
            return Set(r.map { $0["remote_port"]!.int }).count == 3 ? r : nil
        }
        let sr = try #require(serverRows)
        #expect(sr.allSatisfy { $0["role"]!.int == 2 && $0["conn_open"]!.int == 1 })
        let serverRecv = Dictionary(sr.map { ($0["remote_port"]!.int, $0["bytes_recv"]!.int) }, uniquingKeysWith: max).values.reduce(0, +)
        #expect(serverRecv == Int64(sent))
    }

    @Test func processStatsHasServerRow() throws {
        let store = Harness.shared.store
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        _ = try Scripts.client(["keepalive", "127.0.0.1", "\(port)", "/ps"])
        let row = Rows.waitFor { () -> [String: Value]? in
            Rows.all(store, "process_stats").first { UPID($0["upid"]!.u128).pid == server.pid }
        }
        let r = try #require(row)
        #expect(UPID(r["upid"]!.u128).startTimeTicks == ProcFS.startTimeTicks(pid: server.pid))
        #expect(r["num_threads"]!.int >= 1)
        #expect(r["rss_bytes"]!.int > 0)
        #expect(r["vsize_bytes"]!.int > r["rss_bytes"]!.int)
        #expect(r["wchar_bytes"]!.int > 0)
    }

    @Test func serverStartedBeforeCollector() async throws {
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        // The server is listening before this collector exists.
        let harness = try Harness()
        let client = Result { try Scripts.client(["keepalive", "127.0.0.1", "\(port)", "/early1", "/early2"]) }
        let rows = Rows.waitFor { () -> [HTTPRow]? in
            let r = Rows.http(harness.store).filter { $0.upid.pid == server.pid }
            return r.count >= 2 ? r : nil
        } ?? []
        await harness.stop()  // before anything can throw: a second collector must not outlive its test
        let (out, _) = try client.get()
        let localPort = try #require(out["local_port"] as? Int, "\(out)")
        #expect(rows.map(\.path) == ["/early1", "/early2"])
        #expect(rows.allSatisfy { $0.remotePort == localPort && $0.localPort == port && $0.role == 2 })
        // Stopping writes a final collector stats row.
        #expect(Rows.collectorStats(harness.store).last?["message"]?.string == "stopped")
    }

    @Test func garbageHalfRequestsAndAbortedResponsesAreSurvived() throws {
        let harness = Harness.shared
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        let before = harness.collector.stats
        let (out, clientPID) = try Scripts.client(["abuse", "127.0.0.1", "\(port)"])
        #expect(out["rtt_ns"] != nil, "client failed: \(out)")
        // The collector keeps working: a normal request afterwards is traced.
        let (_, okPID) = try Scripts.client(["keepalive", "127.0.0.1", "\(port)", "/after-abuse"])
        let after = Rows.waitFor { () -> HTTPRow? in
            Rows.http(harness.store).first { $0.upid.pid == okPID && $0.path == "/after-abuse" }
        }
        #expect(after?.status == 200)
        // The valid request before the garbage was traced; the half request and the garbage were not.
        let client = Rows.http(harness.store).filter { $0.upid.pid == clientPID }
        #expect(client.map(\.path).contains("/before-garbage"))
        #expect(!client.map(\.path).contains("/half"))
        // The response cut short by the client's close is never reported as complete.
        #expect(!client.contains { $0.path.hasPrefix("/big/") })
        // Every connection the client opened is closed again, and the counters add up.
        let closed = Rows.waitFor { () -> Bool? in
            let rows = Rows.all(harness.store, "conn_stats").filter {
                UPID($0["upid"]!.u128).pid == clientPID && $0["remote_port"]!.int == Int64(port)
            }
            return rows.last.map { $0["conn_open"]!.int == 4 && $0["conn_close"]!.int == 4 } == true ? true : nil
        }
        #expect(closed == true)
        let s = harness.collector.stats
        #expect(s.events > before.events)
        #expect(s.connectionsOpened - s.connectionsClosed == s.connections)
        #expect(s.parseErrors > before.parseErrors)
    }

    @Test func collectorStatsRowsAreWritten() throws {
        let store = Harness.shared.store
        let row = Rows.waitFor { () -> [String: Value]? in
            Rows.collectorStats(store).last { $0["events"]!.int > 0 && $0["rows"]!.int > 0 }
        }
        let r = try #require(row)
        #expect(r["hostname"]!.string.isEmpty == false)
        #expect(r["drops"]!.int == 0)
        #expect(Rows.collectorStats(store).first?["message"]?.string.hasPrefix("started") == true)
    }

    @Test func errorsExplainWhatIsMissing() {
        var c = CollectorConfiguration()
        c.captureLimit = 1 << 20
        #expect(throws: CollectorError.self) { try Collector(store: TableStore(), configuration: c, logger: .init(label: "t")) }
        do {
            _ = try Collector(store: TableStore(), configuration: c, logger: .init(label: "t"))
        } catch {
            #expect(error.code == .badConfiguration)
            #expect(error.message.contains("captureLimit"))
        }
    }
}
}
