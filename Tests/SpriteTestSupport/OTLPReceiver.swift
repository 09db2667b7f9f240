import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Test support shared by the test targets.
///
/// The real OTLP receiver (`scripts/otlp_receiver.py`, built on `opentelemetry-proto`) in a
/// subprocess on a loopback port.
public final class Receiver: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/otlp_receiver.py").path
    private var process: Process?
    public private(set) var port: Int = 0

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts the receiver (on `port`, or a free one).
    public static func start(port: Int = 0) async throws -> Receiver {
        let r = Receiver()
        try await r.launch(port: port)
        return r
    }

    func launch(port: Int) async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.script, String(port)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        process = p
        let line: String = await withCheckedContinuation { c in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while let d = try? out.fileHandleForReading.read(upToCount: 1), let b = d.first, b != 10 { bytes.append(b) }
                c.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard line.hasPrefix("ready "), let bound = Int(line.dropFirst(6)) else {
            throw NSError(domain: "Receiver", code: 1, userInfo: [NSLocalizedDescriptionKey: "receiver did not start (is opentelemetry-proto installed?): '\(line)'"])
        }
        self.port = bound
    }

    /// Stops the receiver with SIGKILL: a child spawned from a dispatch thread inherits its blocked
    /// signal mask, so SIGTERM may never arrive.
    public func stop() {
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        process = nil
    }

    /// Starts again on the same port.
    public func restart() async throws { try await launch(port: port) }

    deinit { if let p = process, p.isRunning { kill(p.processIdentifier, SIGKILL) } }

    /// Every request received so far, decoded.
    public func records() async throws -> [[String: Any]] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url + "/records")!)
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }

    public func control(_ body: [String: Any]) async throws {
        var request = URLRequest(url: URL(string: url + "/control")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        _ = try await URLSession.shared.data(for: request)
    }

    /// Every span received, with its resource's attributes.
    public func spans() async throws -> [(resource: [String: String], span: [String: Any])] {
        var out: [(resource: [String: String], span: [String: Any])] = []
        for r in try await records() where r["path"] as? String == "/v1/traces" {
            let message = r["message"] as? [String: Any] ?? [:]
            for rs in message["resource_spans"] as? [[String: Any]] ?? [] {
                let resource = Self.attributes((rs["resource"] as? [String: Any])?["attributes"])
                for ss in rs["scope_spans"] as? [[String: Any]] ?? [] {
                    for s in ss["spans"] as? [[String: Any]] ?? [] { out.append((resource, s)) }
                }
            }
        }
        return out
    }

    /// Attributes as key -> text of the value.
    public static func attributes(_ list: Any?) -> [String: String] {
        var out: [String: String] = [:]
        for kv in list as? [[String: Any]] ?? [] {
            guard let key = kv["key"] as? String, let value = kv["value"] as? [String: Any], let (_, v) = value.first else { continue }
            out[key] = "\(v)"
        }
        return out
    }
}
