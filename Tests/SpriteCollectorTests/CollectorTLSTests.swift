import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// TLS plaintext capture through uprobes on OpenSSL, with real TLS stacks (root only).
extension RootIntegrationTests {
@Suite struct CollectorTLSTests {
    let store: TableStore
    let collector: Collector

    init() throws {
        try Root.require()
        store = Harness.shared.store
        collector = Harness.shared.collector
        try #require(TLSFixtures.certificateReady, "openssl could not make a test certificate")
        try #require(collector.tls != nil, "TLS tracer not loaded: \(Rows.collectorStats(store).first?["message"]?.string ?? "")")
    }

    func rows(_ store: TableStore? = nil, pid: UInt32, count: Int, _ filter: @escaping (HTTPRow) -> Bool = { _ in true }) -> [HTTPRow] {
        let store = store ?? self.store
        return Rows.waitFor {
            let r = Rows.http(store).filter { $0.upid.pid == pid && filter($0) }
            return r.count >= count ? r : nil
        } ?? Rows.http(store).filter { $0.upid.pid == pid && filter($0) }
    }

    func curl(_ args: [String]) throws -> (pid: UInt32, localPort: Int, status: Int) {
        let child = try Child("/usr/bin/curl", ["-sk", "-o", "/dev/null", "-w", "%{local_port} %{http_code}"] + args)
        let parts = child.output().split(separator: " ")
        try #require(parts.count == 2, "curl output: \(parts)")
        return (child.pid, Int(parts[0])!, Int(parts[1])!)
    }

    @Test func curlToOpenSSLServer() throws {
        let port = try freePort()
        let server = try Child("/usr/bin/openssl", ["s_server", "-www", "-quiet", "-accept", "\(port)",
                                                    "-cert", TLSFixtures.certificate, "-key", TLSFixtures.key])
        defer { server.stop() }
        _ = Rows.waitFor { connectable(port) ? true : nil }
        try #require(TLSFixtures.waitForProbes(collector, pid: server.pid), "libssl of s_server not probed: \(collector.tls?.probedLibraries ?? [])")
        let c = try curl(["https://127.0.0.1:\(port)/tls/path?q=1"])
        #expect(c.status == 200)

        let k = rows(pid: c.pid, count: 1)
        try #require(k.count == 1, "curl rows: \(k)")
        #expect(k[0].path == "/tls/path?q=1")
        #expect(k[0].method == "GET")
        #expect(k[0].status == 200)
        #expect(k[0].encrypted)
        #expect(k[0].role == 1)
        #expect(k[0].remotePort == port && k[0].localPort == c.localPort)
        #expect(k[0].respBody.contains("s_server"), "\(k[0].respBody.prefix(200))")
        // s_server does its TLS I/O through an SSL BIO (OpenSSL-internal calls, not probed): no
        // row at all, and in particular none parsed from the ciphertext its sockets carry.
        Thread.sleep(forTimeInterval: 1)
        let serverRows = Rows.http(store).filter { $0.upid.pid == server.pid }
        #expect(serverRows.allSatisfy { $0.encrypted && $0.path == "/tls/path?q=1" }, "\(serverRows)")
    }

    @Test func curlToNginxWithSSL() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-nginx-tls-\(getpid())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let page = String(repeating: "nginx tls page ", count: 2000)  // 30,000 bytes: several SSL_write records
        try page.write(to: dir.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let port = try freePort()
        let conf = """
        daemon off; master_process off; worker_processes 1; error_log \(dir.path)/logs/error.log; pid \(dir.path)/nginx.pid;
        events { worker_connections 64; }
        http { access_log off; client_body_temp_path \(dir.path); proxy_temp_path \(dir.path); fastcgi_temp_path \(dir.path);
          uwsgi_temp_path \(dir.path); scgi_temp_path \(dir.path);
          server { listen 127.0.0.1:\(port) ssl; root \(dir.path);
            ssl_certificate \(TLSFixtures.certificate); ssl_certificate_key \(TLSFixtures.key);
            location = /text { return 200 "from nginx over tls"; } } }
        """
        try conf.write(to: dir.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        let nginx = try Child("/usr/sbin/nginx", ["-p", dir.path, "-c", dir.appendingPathComponent("nginx.conf").path])
        defer { nginx.stop() }
        _ = Rows.waitFor { connectable(port) ? true : nil }
        try #require(TLSFixtures.waitForProbes(collector, pid: nginx.pid), "libssl of nginx not probed")
        let text = try curl(["https://127.0.0.1:\(port)/text"])
        let file = try curl(["https://127.0.0.1:\(port)/index.html"])
        #expect(text.status == 200 && file.status == 200)

        let s = rows(pid: nginx.pid, count: 2)
        #expect(s.count == 2, "nginx rows: \(s)")
        let t = try #require(s.first { $0.path == "/text" }, "\(s)")
        #expect(t.status == 200 && t.respBody == "from nginx over tls" && t.respBodySize == 19)
        #expect(t.encrypted && t.role == 2 && t.localPort == port && t.remotePort == text.localPort)
        let f = try #require(s.first { $0.path == "/index.html" }, "\(s)")
        #expect(f.status == 200 && f.respBodySize == page.utf8.count && f.encrypted)
        #expect(f.respBody.hasPrefix("nginx tls page nginx tls page"))

        let k = rows(pid: text.pid, count: 1)
        #expect(k.map(\.path) == ["/text"])
        #expect(k.first?.respBody == "from nginx over tls")
        #expect(k.first?.encrypted == true && k.first?.role == 1 && k.first?.remotePort == port)
        let kf = rows(pid: file.pid, count: 1)
        #expect(kf.map(\.respBodySize) == [page.utf8.count])
        // Nothing parsed from ciphertext: every row of these processes is a decrypted one.
        Thread.sleep(forTimeInterval: 0.5)
        let all = Rows.http(store).filter { [nginx.pid, text.pid, file.pid].contains($0.upid.pid) }
        #expect(all.count == 4 && all.allSatisfy(\.encrypted), "\(all)")
    }

    @Test func pythonKeepAliveAndLargeResponse() throws {
        let (server, port) = try TLSFixtures.startPythonServer()
        defer { server.stop() }
        try #require(TLSFixtures.waitForProbes(collector, pid: server.pid), "libssl of the Python server not probed")
        // recv(4096) on 16 KiB records: three of every four SSL_read_ex calls are served from
        // OpenSSL's buffer without a syscall, and still land on this connection.
        let paths = ["/one", "/big/100000", "POST:/upload", "/two"]
        let (out, clientPID) = try TLSFixtures.runPythonClient(["keepalive", "\(port)", "4096"] + paths)
        let localPort = try #require(out["local_port"] as? Int, "\(out)")
        #expect(out["sizes"] as? [Int] == [14, 100000, 8, 14])

        let s = rows(pid: server.pid, count: 4) { $0.remotePort == localPort }
        #expect(s.map(\.path) == ["/one", "/big/100000", "/upload", "/two"],
                "server rows: \(Rows.http(store).filter { $0.upid.pid == server.pid }); \(collector.stats)")
        #expect(s.map(\.status) == [200, 200, 201, 200])
        #expect(s.map(\.respBodySize) == [14, 100000, 8, 14])
        #expect(s.map(\.reqBodySize) == [0, 0, 1000, 0])
        #expect(s.allSatisfy { $0.encrypted && $0.role == 2 && $0.localPort == port })
        #expect(s.first?.respBody == "tls hello /one")
        #expect(s.last?.respBody == "tls hello /two")

        let c = rows(pid: clientPID, count: 4)
        #expect(c.map(\.path) == ["/one", "/big/100000", "/upload", "/two"], "\(collector.stats)")
        #expect(c.map(\.respBodySize) == [14, 100000, 8, 14])
        #expect(c.allSatisfy { $0.encrypted && $0.role == 1 && $0.localPort == localPort && $0.remotePort == port })
        // The client read the whole body through SSL_read_ex (first 4 KiB kept in resp_body).
        let expected = String(decoding: (0..<4096).map { UInt8(97 + $0 % 26) }, as: UTF8.self)
        #expect(c.count > 1 && c[1].respBody == expected)
        #expect(c.last?.respBody == "tls hello /two")
    }

    @Test func tlsServerStartedBeforeCollector() async throws {
        let (server, port) = try TLSFixtures.startPythonServer()
        defer { server.stop() }
        // Let the server load libssl, then start a collector that never saw its exec.
        _ = Rows.waitFor { LibraryScanner.candidates(pid: server.pid)?.contains { LibraryScanner.isLibSSL($0.path) } == true ? true : nil }
        let harness = try Harness()
        #expect(harness.collector.tls?.probedLibraries.contains(TLSFixtures.systemLibSSL) == true)
        let client = Result { try TLSFixtures.runPythonClient(["keepalive", "\(port)", "65536", "/early1", "/early2"]) }
        let r = rows(harness.store, pid: server.pid, count: 2)
        await harness.stop()  // before anything can throw: a second collector must not outlive its test
        let (out, _) = try client.get()
        let localPort = try #require(out["local_port"] as? Int, "\(out)")
        #expect(r.map(\.path) == ["/early1", "/early2"])
        #expect(r.allSatisfy { $0.encrypted && $0.remotePort == localPort && $0.localPort == port && $0.status == 200 })
        let messages = Rows.collectorStats(harness.store).map { $0["message"]?.string ?? "" }.joined(separator: " | ")
        #expect(messages.contains("tls: probing \(TLSFixtures.systemLibSSL)"), "\(messages)")
    }

    @Test func libsslLoadedLaterIsFoundByRescan() throws {
        let (server, port) = try TLSFixtures.startPythonServer()
        defer { server.stop() }
        // A private copy of libssl: a file no other process maps, so only this process's own
        // dlopen, found by the periodic rescan, can get it probed.
        let libDir = TLSFixtures.dir.appendingPathComponent("late-lib-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: libDir, withIntermediateDirectories: true)
        let copy = libDir.appendingPathComponent("libssl.so.3").path
        try FileManager.default.copyItem(atPath: TLSFixtures.systemLibSSL, toPath: copy)
        defer { try? FileManager.default.removeItem(at: libDir) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Scripts.python)
        process.arguments = TLSFixtures.clientArguments(["late", "\(port)", "/late1", "/late2"])
        process.environment = ProcessInfo.processInfo.environment.merging(["LD_LIBRARY_PATH": libDir.path]) { $1 }
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let pid = UInt32(process.processIdentifier)
        let lines = LineReader(output.fileHandleForReading)
        #expect(lines.next() == "waiting")
        // Past the scans that follow the exec: only the periodic rescan can see the library now.
        Thread.sleep(forTimeInterval: 2)
        input.fileHandleForWriting.write(Data("import\n".utf8))
        #expect(lines.next() == "loaded")
        #expect(LibraryScanner.candidates(pid: pid)?.contains { $0.path == copy } == true, "the client maps the copy")
        let probed = Rows.waitFor(timeout: 15) { collector.tls?.probedLibraries.contains(copy) == true ? true : nil }
        #expect(probed == true, "\(collector.tls?.probedLibraries ?? [])")
        input.fileHandleForWriting.write(Data("go\n".utf8))
        let result = lines.next() ?? ""
        let json = (try? JSONSerialization.jsonObject(with: Data(result.utf8))) as? [String: Any] ?? [:]
        let localPort = try #require(json["local_port"] as? Int, "client output: \(result)")
        process.waitUntilExit()

        let c = rows(pid: pid, count: 2)
        #expect(c.map(\.path) == ["/late1", "/late2"], "\(collector.stats)")
        #expect(c.allSatisfy { $0.encrypted && $0.localPort == localPort && $0.remotePort == port && $0.status == 200 })
        #expect(c.map(\.respBody) == ["tls hello /late1", "tls hello /late2"])
        // Once the process is gone, the private library is released at the next rescan.
        let released = Rows.waitFor(timeout: 15) { collector.tls?.probedLibraries.contains(copy) == false ? true : nil }
        #expect(released == true)
    }
}
}

/// Reads lines from a pipe one at a time.
final class LineReader: @unchecked Sendable {
    private let handle: FileHandle
    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        var bytes: [UInt8] = []
        while true {
            let d = handle.readData(ofLength: 1)
            if d.isEmpty { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if d.first == 10 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(d.first!)
        }
    }
}
