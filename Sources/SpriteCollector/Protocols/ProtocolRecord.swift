import SpriteStore

/// The tables protocol sessions write to (HTTP/1.x keeps its own path to `http_events`; HTTP/2
/// streams come through here).
enum ProtocolTable: Int, Sendable, CaseIterable {
    case mysql, pgsql, redis, dns, kafka
    /// HTTP/2 streams (HTTP/1.x rows are written by the processor itself).
    case http

    /// Columns every protocol table starts with (time_ ... encrypted), written by the processor.
    static let connectionColumnCount = 8

    var schema: Schema {
        switch self {
        case .mysql: Schemas.mysqlEvents
        case .pgsql: Schemas.pgsqlEvents
        case .redis: Schemas.redisEvents
        case .dns: Schemas.dnsEvents
        case .kafka: Schemas.kafkaEvents
        case .http: Schemas.httpEvents
        }
    }
}

/// One value of a protocol-specific column.
enum ProtocolValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case int(Int64)

    var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        }
    }
}

/// A request stitched to its response (or a message without a counterpart, such as a pub/sub
/// push or a command that has no reply), ready to become a row. `values` are the table's columns
/// after the connection columns and before `latency`, in schema order.
struct ProtocolRecord: Sendable, Equatable, CustomStringConvertible {
    var table: ProtocolTable
    /// Monotonic ns of the first byte of the request.
    var requestTime: UInt64
    /// Monotonic ns of the last byte of the response (the row's time).
    var responseTime: UInt64
    var values: [ProtocolValue]

    var latency: Int64 { responseTime >= requestTime ? Int64(responseTime - requestTime) : 0 }

    var description: String { "\(table) " + values.map(\.description).joined(separator: " | ") }

    /// The value of column `name`, if the table has it.
    subscript(_ name: String) -> ProtocolValue? {
        guard let i = table.schema.fields.firstIndex(where: { $0.name == name }) else { return nil }
        let j = i - ProtocolTable.connectionColumnCount
        return values.indices.contains(j) ? values[j] : nil
    }
}

/// Which of the two byte streams of a connection bytes belong to.
enum MessageSide: Sendable, Equatable {
    /// From the client to the server.
    case request
    /// From the server to the client.
    case response
}

/// The protocol decoder of one connection: it receives both directions, each in stream order,
/// and returns the records they complete. Implementations never trap on any input: bad bytes
/// are counted in ``errors`` and the decoder resynchronises.
protocol ProtocolSession: AnyObject {
    /// Feeds captured bytes of one side.
    func consume(_ bytes: UnsafeRawBufferPointer, side: MessageSide, time: UInt64) -> [ProtocolRecord]
    /// Accounts for `count` bytes of one side that were transferred but not captured.
    func skip(_ count: Int, side: MessageSide, time: UInt64) -> [ProtocolRecord]
    /// The connection is over: returns what can still be completed.
    func finish(time: UInt64) -> [ProtocolRecord]
    /// Messages that could not be parsed (each resynchronisation counts once).
    var errors: Int { get }
    /// Requests dropped without a response and responses without a request.
    var unmatched: Int { get }
}

extension ProtocolSession {
    /// Feeds bytes from an array (tests).
    func consume(_ bytes: [UInt8], side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        bytes.withUnsafeBytes { consume($0, side: side, time: time) }
    }
}

/// Settings every session shares.
struct ProtocolLimits: Sendable {
    /// Characters kept of query text, arguments and response text.
    var textLimit: Int
    /// Bytes buffered per side for one unfinished message before resynchronising.
    var maxBufferBytes: Int
    /// Requests waiting for responses before the oldest are dropped.
    var maxPending: Int

    init(textLimit: Int = 4096, maxBufferBytes: Int = 1 << 20, maxPending: Int = 256) {
        self.textLimit = textLimit
        self.maxBufferBytes = maxBufferBytes
        self.maxPending = maxPending
    }

    init(_ c: CollectorConfiguration) {
        self.init(textLimit: c.bodyLimit, maxBufferBytes: c.maxBufferBytesPerStream, maxPending: c.maxPendingRequests)
    }
}

extension String {
    /// The string cut to at most `limit` UTF-8 bytes, on a character boundary.
    func truncated(toUTF8 limit: Int) -> String {
        if utf8.count <= limit { return self }
        var end = utf8.index(utf8.startIndex, offsetBy: limit)
        while end > startIndex, String.Index(end, within: self) == nil { end = utf8.index(before: end) }
        return String(self[..<end])
    }
}
