import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// Helpers shared by the root tests that run real protocol servers.
enum Servers {
    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port` (up to `timeout` s).
    static func waitForPort(_ port: Int, timeout: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = UInt16(port).bigEndian
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
            close(fd)
            if ok { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    /// A fresh temporary directory.
    static func tempDir(_ name: String) -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Runs a Python script (source text) with arguments; returns its last stdout line parsed as
    /// JSON, the raw output, and the process id.
    static func python(_ source: String, _ args: [String]) throws -> (json: [String: Any], raw: String, pid: UInt32) {
        let file = tempDir("py").appendingPathComponent("script.py")
        try source.write(to: file, atomically: true, encoding: .utf8)
        let child = try Child(Scripts.python, Scripts.pythonArgs([file.path] + args))
        let out = child.outputReaped()
        let last = out.split(separator: "\n").last.map(String.init) ?? ""
        let json = (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any] ?? [:]
        return (json, out + child.errorOutput, child.pid)
    }

    /// Runs a command to completion; returns stdout + stderr and the process id.
    static func run(_ executable: String, _ args: [String]) throws -> (out: String, pid: UInt32) {
        let child = try Child(executable, args)
        let out = child.outputReaped()
        return (out + child.errorOutput, child.pid)
    }
}

/// Decoded rows of a protocol table.
struct ProtocolRow: CustomStringConvertible {
    var values: [String: Value]
    var pid: UInt32 { UPID(values["upid"]!.u128).pid }
    var role: Int { Int(values["trace_role"]!.int) }
    var latency: Int64 { values["latency"]!.int }
    subscript(_ name: String) -> String { values[name]?.string ?? "" }
    func int(_ name: String) -> Int64 { values[name]?.int ?? .min }

    var description: String {
        values.filter { !["upid", "time_"].contains($0.key) }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// Rows of `table` from process `pid` that satisfy `filter`, once at least `count` exist.
    static func wait(_ store: TableStore, _ table: String, pid: UInt32, count: Int, timeout: Double = 10,
                     _ filter: @escaping (ProtocolRow) -> Bool = { _ in true }) -> [ProtocolRow] {
        let fetch: () -> [ProtocolRow] = { Rows.all(store, table).map { ProtocolRow($0) }.filter { $0.pid == pid && filter($0) } }
        return Rows.waitFor(timeout: timeout) { let r = fetch(); return r.count >= count ? r : nil } ?? fetch()
    }
}

extension ProtocolRow {
    init(_ values: [String: Value]) { self.values = values }
}

extension Child {
    /// Stdout up to EOF, then waits for the exit by polling (Foundation's `waitUntilExit` can miss
    /// the exit of a short-lived child while other children run, and then waits forever).
    func outputReaped() -> String {
        let d = stdout.fileHandleForReading.readDataToEndOfFile()
        var status: Int32 = 0
        for _ in 0..<300 {
            if !process.isRunning || waitpid(process.processIdentifier, &status, WNOHANG) != 0 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return String(decoding: d, as: UTF8.self)
    }

    /// Stops a server with `signal` (its own clean shutdown), then SIGKILL after 10 s.
    func stop(signal: Int32) {
        let pid = process.processIdentifier
        var status: Int32 = 0
        for sig in [signal, SIGKILL] {
            if process.isRunning { kill(pid, sig) }
            for _ in 0..<100 {
                if !process.isRunning || waitpid(pid, &status, WNOHANG) != 0 { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }
}
