import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// A keep-alive connection opened before a collector started: neither its connect nor its accept
/// was seen, so both ends are picked up at their first read/write (lazy tracking) and their roles
/// come from the first message (the client writes the request, the server reads it).
extension RootIntegrationTests {
@Suite struct CollectorLazyTrackingTests {
    init() throws { try Root.require() }

    static let client = #"""
import json, os, socket, sys, time
port, go = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
print("connected %d" % s.getsockname()[1], flush=True)
while not os.path.exists(go): time.sleep(0.05)
out = []
for i in (1, 2):
    s.sendall(b"GET /preexisting/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
    buf = b""
    while b"\r\n\r\n" not in buf or not buf.endswith(b"/preexisting/%d" % i): buf += s.recv(65536)
    out.append(buf.split(b" ", 2)[1].decode())
print(json.dumps({"status": out}))
"""#

    @Test func connectionOpenedBeforeTheCollectorGetsBothSides() async throws {
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        let dir = Servers.tempDir("lazy")
        let script = dir.appendingPathComponent("client.py")
        try Self.client.write(to: script, atomically: true, encoding: .utf8)
        let go = dir.appendingPathComponent("go").path
        let client = try Child(Scripts.python, Scripts.pythonArgs([script.path, "\(port)", go]))
        let first = client.firstLine()
        let clientPort = try #require(Int(first.split(separator: " ").last ?? ""), "client: \(first) \(client.errorOutput)")

        // A collector of its own, started after the connection exists.
        let harness = try Harness()
        FileManager.default.createFile(atPath: go, contents: Data())
        let out = client.outputReaped()
        #expect(out.contains(#""status": ["200", "200"]"#), "\(out)")

        let rows = Rows.waitFor {
            let r = Rows.http(harness.store).filter { $0.path.hasPrefix("/preexisting/") }
            return r.count >= 4 ? r : nil
        } ?? Rows.http(harness.store)
        await harness.stop()
        let clientRows = rows.filter { $0.upid.pid == client.pid }
        let serverRows = rows.filter { $0.upid.pid == server.pid }
        #expect(clientRows.map(\.path) == ["/preexisting/1", "/preexisting/2"], "\(rows)")
        #expect(serverRows.map(\.path) == ["/preexisting/1", "/preexisting/2"], "\(rows)")
        for r in clientRows {
            #expect(r.role == 1 && r.remotePort == port && r.localPort == clientPort && r.remoteAddr == "127.0.0.1", "\(r)")
            #expect(r.status == 200 && r.respBody == "hello \(r.path)")
        }
        for r in serverRows {
            #expect(r.role == 2 && r.localPort == port && r.remotePort == clientPort && r.localAddr == "127.0.0.1", "\(r)")
            #expect(r.status == 200 && r.respBody == "hello \(r.path)")
        }
        // conn_stats counts the connection under the learned roles.
        let stats = Rows.all(harness.store, "conn_stats").filter { UPID($0["upid"]!.u128).pid == server.pid }
        #expect(stats.contains { $0["role"]?.int == 2 && $0["remote_port"]?.int == Int64(clientPort) && $0["conn_open"]?.int == 1 }, "\(stats)")
    }
}
}
