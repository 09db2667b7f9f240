import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// Sends OTLP/HTTP requests to a receiver, retrying what can succeed later.
///
/// Retries, with exponential backoff and full jitter (honouring `Retry-After`), on 429, 502, 503,
/// 504 and on connection errors and timeouts; any other non-2xx answer fails the export at once.
/// Partial-success answers are read and their rejected counts reported.
public struct OTLPExporter: Sendable {
    /// Attempts per request, the first included.
    public var maxAttempts: Int
    /// First backoff, doubled on each retry up to ``maxBackoff`` (seconds).
    public var initialBackoff: Double
    public var maxBackoff: Double
    let logger: Logger

    public init(maxAttempts: Int = 6, initialBackoff: Double = 0.5, maxBackoff: Double = 30,
                logger: Logger = Logger(label: "sprite.otlp")) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.logger = logger
    }

    /// What an export did.
    public struct Report: Sendable, Hashable {
        public var requests = 0
        public var items = 0
        /// Bytes sent on the wire (after compression), successful requests only.
        public var bytes = 0
        /// Items the receiver said it rejected (partial success).
        public var rejected = 0
        /// Attempts made, retries included.
        public var attempts = 0
        /// Messages of partial successes.
        public var messages: [String] = []

        public init() {}
    }

    /// Sends every request; stops at the first that fails for good.
    /// - Throws: ``OTLPError`` `rejected` (4xx) or `unavailable` (retries exhausted), with what was
    ///   sent before in the message.
    public func send(_ requests: [ExportBuilder.Request], to endpoint: Endpoint) async throws(OTLPError) -> Report {
        var report = Report()
        for request in requests {
            var body = request.body(endpoint.encoding)
            var headers = endpoint.headers
            headers["Content-Type"] = endpoint.encoding == .protobuf ? "application/x-protobuf" : "application/json"
            if endpoint.gzip, let z = Gzip.compress(body) {
                body = z
                headers["Content-Encoding"] = "gzip"
            }
            let url = endpoint.url(for: request.signal)
            let answer = try await post(body, to: url, headers: headers, timeout: endpoint.timeout, report: &report)
            report.requests += 1
            report.items += request.items
            report.bytes += body.count
            if endpoint.encoding == .protobuf, let partial = ProtobufEncoding.partialSuccess(answer), partial.rejected > 0 || !partial.message.isEmpty {
                report.rejected += Int(partial.rejected)
                report.messages.append(partial.message)
                logger.warning("receiver rejected part of an export", metadata: ["url": "\(url)", "rejected": "\(partial.rejected)", "message": "\(partial.message)"])
            } else if endpoint.encoding == .json, let partial = Self.jsonPartialSuccess(answer, request.signal), partial.rejected > 0 {
                report.rejected += Int(partial.rejected)
                report.messages.append(partial.message)
            }
        }
        return report
    }

    private func post(_ body: [UInt8], to url: String, headers: [String: String], timeout: Double,
                      report: inout Report) async throws(OTLPError) -> [UInt8] {
        guard let u = URL(string: url), u.scheme == "http" || u.scheme == "https" else {
            throw OTLPError(.badEndpoint, "'\(url)' is not an http(s) URL")
        }
        var request = URLRequest(url: u)
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        request.httpBody = Data(body)
        var backoff = initialBackoff
        var lastProblem = ""
        for attempt in 1...maxAttempts {
            report.attempts += 1
            var wait: Double? = nil
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return [UInt8](data) }
                let text = String(decoding: data.prefix(300), as: UTF8.self)
                lastProblem = "HTTP \(status) from \(url): \(text)"
                guard [429, 502, 503, 504].contains(status) else {
                    throw OTLPError(.rejected, "the receiver refused the export: \(lastProblem)")
                }
                wait = Self.retryAfter((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After"))
            } catch let e as OTLPError {
                throw e
            } catch {
                lastProblem = "\(url): \(error.localizedDescription)"
            }
            guard attempt < maxAttempts else { break }
            let delay = min(maxBackoff, wait ?? Double.random(in: 0...backoff))
            logger.info("retrying OTLP export", metadata: ["attempt": "\(attempt)", "delay_s": "\(delay)", "problem": "\(lastProblem)"])
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            backoff = min(maxBackoff, backoff * 2)
        }
        throw OTLPError(.unavailable, "export failed after \(maxAttempts) attempts: \(lastProblem)")
    }

    /// Seconds to wait from a `Retry-After` header (seconds, or an HTTP date).
    static func retryAfter(_ header: String?) -> Double? {
        guard let h = header?.trimmingCharacters(in: .whitespaces), !h.isEmpty else { return nil }
        if let s = Double(h) { return max(0, s) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: h).map { max(0, $0.timeIntervalSinceNow) }
    }

    static func jsonPartialSuccess(_ body: [UInt8], _ signal: Signal) -> (rejected: Int64, message: String)? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let p = o["partialSuccess"] as? [String: Any] else { return nil }
        let key = ["traces": "rejectedSpans", "metrics": "rejectedDataPoints", "logs": "rejectedLogRecords"][signal.rawValue]!
        let n = (p[key] as? String).flatMap { Int64($0) } ?? (p[key] as? NSNumber)?.int64Value ?? 0
        return (n, p["errorMessage"] as? String ?? "")
    }
}
