import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// Protocol correction against a real redis-server: inline commands (what health checks and
/// `nc` users send) either look like HTTP to the kernel's 16-byte test (`GET key`) or like
/// nothing it knows (`PING`); user space classifies them from whole messages.
extension RootIntegrationTests {
@Suite struct CollectorProtocolDetectionTests {
    let store: TableStore

    init() throws {
        try Root.require()
        store = Harness.shared.store
    }

    static let client = #"""
import json, socket, sys
port, first = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
def ask(line):
    s.sendall(line.encode() + b"\r\n")
    data = b""
    while not data.endswith(b"\r\n") or (data.startswith(b"$") and data.count(b"\r\n") < 2 and not data.startswith(b"$-1")):
        data += s.recv(4096)
    return data.decode()
out = [ask(first), ask("SET visits 41"), ask("INCR visits"), ask("GET visits")]
s.close()
print(json.dumps({"replies": out}))
"""#

    func run(first: String, port: Int) throws -> (replies: [String], pid: UInt32) {
        let (out, raw, pid) = try Servers.python(Self.client, ["\(port)", first])
        let replies = try #require(out["replies"] as? [String], "\(raw)")
        return (replies, pid)
    }

    @Test func inlineCommandsAreCorrectedAndClassified() throws {
        let (server, port) = try CollectorRedisTests.startRedis()
        // SIGKILL: a child spawned from a dispatch thread has SIGTERM blocked (stop would wait 10 s).
        defer { server.stop(signal: SIGKILL) }
        _ = try Servers.run("/usr/bin/redis-cli", ["-p", "\(port)", "SET", "greeting", "hello world"])
        let before = Harness.shared.collector.stats.protocolCorrections

        // "GET greeting" starts like an HTTP request: the kernel guesses HTTP.
        let get = try run(first: "GET greeting", port: port)
        #expect(get.replies == ["$11\r\nhello world\r\n", "+OK\r\n", ":42\r\n", "$2\r\n42\r\n"])
        let rows = ProtocolRow.wait(store, "redis_events", pid: get.pid, count: 4)
        #expect(rows.map { $0["req_cmd"] } == ["GET", "SET", "INCR", "GET"], "\(rows)")
        #expect(rows.map { $0["resp"] } == ["hello world", "OK", "42", "42"])
        #expect(rows.first?["req_args"] == #"["greeting"]"#)
        #expect(rows.allSatisfy { $0.role == 1 && $0.int("remote_port") == Int64(port) && $0.latency > 0 })
        #expect(!Rows.http(store).contains { $0.upid.pid == get.pid })
        // The server's side of the same connection is corrected too.
        let served = ProtocolRow.wait(store, "redis_events", pid: server.pid, count: 1) { $0["req_args"] == #"["greeting"]"# && $0.role == 2 }
        #expect(served.first?["resp"] == "hello world")

        // "PING" looks like nothing the kernel knows: it ships the first transfers unclassified.
        let ping = try run(first: "PING", port: port)
        #expect(ping.replies.first == "+PONG\r\n")
        let pingRows = ProtocolRow.wait(store, "redis_events", pid: ping.pid, count: 4)
        #expect(pingRows.map { $0["req_cmd"] } == ["PING", "SET", "INCR", "GET"], "\(pingRows)")
        #expect(pingRows.first?["resp"] == "PONG")

        // Two connections, each seen from both ends: at least four corrections, also in the table.
        let after = Harness.shared.collector.stats.protocolCorrections
        #expect(after - before >= 4, "corrections \(before) -> \(after)")
        let row = Rows.waitFor { Rows.collectorStats(store).last { $0["protocol_corrections"]!.int >= Int64(before + 4) } }
        #expect(row != nil)
    }
}
}
