import Foundation
import SpriteEngine
import SpriteStore

/// What the aggregator asks an edge to run: the script (edges compile and split it themselves,
/// deterministically, with the aggregator's `now`) and the fragment schemas the aggregator
/// expects, so that an edge running different code fails clearly instead of sending wrong rows.
public struct FragmentRequest: Codable, Sendable {
    public var script: String
    public var function: String?
    public var args: [String: String]?
    /// `px.now()` of the query, ns since the epoch.
    public var now: Int64
    public var partialAggregation: Bool
    /// The schemas of the fragments, in order.
    public var fragments: [Schema]
    /// An export run's window (`px.plugin.start_time`/`end_time`); optional fields, absent for
    /// queries. An edge that predates them ignores them and refuses a script reading the window.
    public var pluginWindow: PluginWindow?
    /// Split the script's `px.export` frames instead of its `px.display` tables.
    public var exports: Bool

    enum CodingKeys: String, CodingKey {
        case script, function = "func", args, now, partialAggregation = "partial_aggregation", fragments
        case pluginStartTime = "plugin_start_time", pluginEndTime = "plugin_end_time", exports
    }

    public init(script: String, function: String?, args: [String: String]?, now: Int64, partialAggregation: Bool, fragments: [Schema],
                pluginWindow: PluginWindow? = nil, exports: Bool = false) {
        self.script = script
        self.function = function
        self.args = args
        self.now = now
        self.partialAggregation = partialAggregation
        self.fragments = fragments
        self.pluginWindow = pluginWindow
        self.exports = exports
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        script = try c.decode(String.self, forKey: .script)
        function = try c.decodeIfPresent(String.self, forKey: .function)
        args = try c.decodeIfPresent([String: String].self, forKey: .args)
        now = try c.decode(Int64.self, forKey: .now)
        partialAggregation = try c.decode(Bool.self, forKey: .partialAggregation)
        fragments = try c.decode([Schema].self, forKey: .fragments)
        pluginWindow = try PluginWindow.decode(from: c, start: .pluginStartTime, end: .pluginEndTime)
        exports = try c.decodeIfPresent(Bool.self, forKey: .exports) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(script, forKey: .script)
        try c.encodeIfPresent(function, forKey: .function)
        try c.encodeIfPresent(args, forKey: .args)
        try c.encode(now, forKey: .now)
        try c.encode(partialAggregation, forKey: .partialAggregation)
        try c.encode(fragments, forKey: .fragments)
        try c.encodeIfPresent(pluginWindow?.start, forKey: .pluginStartTime)
        try c.encodeIfPresent(pluginWindow?.end, forKey: .pluginEndTime)
        if exports { try c.encode(true, forKey: .exports) }
    }
}

/// What an edge did for a query.
public struct EdgeStats: Codable, Sendable, Hashable {
    public var rowsProcessed: Int = 0
    public var bytesProcessed: Int = 0
    public var execNanos: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case rowsProcessed = "rows_processed", bytesProcessed = "bytes_processed", execNanos = "exec_ns"
    }

    public init(rowsProcessed: Int = 0, bytesProcessed: Int = 0, execNanos: Int64 = 0) {
        self.rowsProcessed = rowsProcessed
        self.bytesProcessed = bytesProcessed
        self.execNanos = execNanos
    }
}

/// The framing of an edge's answer (`application/x-sprite-batches`): the magic `SPRB`, a version
/// byte, then frames `[kind u8][payload length u32 LE][payload]`:
///
/// - `1` schema: fragment index (varint), the fragment's ``Schema`` as JSON;
/// - `2` batch: fragment index (varint), a batch in ``BatchCodec``'s encoding;
/// - `3` end: ``EdgeStats`` as JSON; nothing follows;
/// - `4` error: a ``ClusterError`` as the API's JSON; nothing follows.
///
/// Frames are written one at a time as the network takes them (backpressure) and decoded as they
/// arrive.
public enum FragmentStream {
    public static let contentType = "application/x-sprite-batches"
    static let magic: [UInt8] = Array("SPRB".utf8) + [1]
    /// Rows per batch frame.
    static let rowsPerFrame = 32_768
    /// The largest frame a reader accepts.
    static let maxFrameBytes = 256 << 20

    enum Kind: UInt8 { case schema = 1, batch, end, error }

    static func frame(_ kind: Kind, _ payload: [UInt8]) -> [UInt8] {
        var s = ByteSink(capacity: payload.count + 5)
        s.u8(kind.rawValue)
        s.u32(UInt32(payload.count))
        s.append(payload)
        return s.bytes
    }

    static func schemaFrame(index: Int, schema: Schema) -> [UInt8] {
        var s = ByteSink()
        s.varint(index)
        s.append(Array((try? JSONEncoder().encode(schema)) ?? Data()))
        return frame(.schema, s.bytes)
    }

    /// The frames of one fragment's result: its schema, then its rows in slices.
    static func frames(index: Int, batch: RecordBatch) -> [[UInt8]] {
        var out = [schemaFrame(index: index, schema: batch.schema)]
        var start = 0
        repeat {
            let end = min(batch.count, start + rowsPerFrame)
            var s = ByteSink(capacity: 64 + (end - start) * 4)
            s.varint(index)
            BatchCodec.encode(start == 0 && end == batch.count ? batch : batch.slice(start..<end), into: &s)
            out.append(frame(.batch, s.bytes))
            start = end
        } while start < batch.count
        return out
    }

    static func endFrame(_ stats: EdgeStats) -> [UInt8] {
        frame(.end, Array((try? JSONEncoder().encode(stats)) ?? Data()))
    }

    static func errorFrame(_ error: ClusterError) -> [UInt8] {
        frame(.error, error.json())
    }
}

/// Decodes an edge's answer incrementally: feed it bytes as they arrive.
struct FragmentStreamReader {
    /// The schemas the aggregator expects, by fragment index.
    let expected: [Schema]
    private var buffer: [UInt8] = []
    private var sawMagic = false
    private var schemas: [Int: Schema] = [:]
    /// Decoded batches by fragment index.
    private(set) var batches: [[RecordBatch]]
    private(set) var stats: EdgeStats?
    /// Bytes received, framing included.
    private(set) var bytesReceived = 0

    init(expected: [Schema]) {
        self.expected = expected
        self.batches = Array(repeating: [], count: expected.count)
    }

    /// Consumes `bytes`; throws on malformed input or an error frame from the edge.
    mutating func feed(_ bytes: some Collection<UInt8>) throws(ClusterError) {
        bytesReceived += bytes.count
        guard stats == nil else { throw ByteSource.malformed("bytes after the end frame") }
        buffer.append(contentsOf: bytes)
        var source = ByteSource(buffer)
        if !sawMagic {
            guard source.remaining >= FragmentStream.magic.count else { return }
            guard Array(try source.take(FragmentStream.magic.count)) == FragmentStream.magic else {
                throw ByteSource.malformed("not a Sprite batch stream (or another version)")
            }
            sawMagic = true
        }
        while source.remaining >= 5 {
            let start = source.position
            let kindByte = try source.u8()
            let length = Int(try source.u32())
            guard length <= FragmentStream.maxFrameBytes else { throw ByteSource.malformed("frame of \(length) bytes") }
            guard source.remaining >= length else { source.position = start; break }
            let payload = Array(try source.take(length))
            guard let kind = FragmentStream.Kind(rawValue: kindByte) else { throw ByteSource.malformed("unknown frame kind \(kindByte)") }
            try handle(kind, payload)
        }
        buffer.removeFirst(source.position)
    }

    private mutating func handle(_ kind: FragmentStream.Kind, _ payload: [UInt8]) throws(ClusterError) {
        var p = ByteSource(payload)
        switch kind {
        case .schema:
            let index = try p.count(max: max(expected.count - 1, 0))
            guard index < expected.count else { throw ByteSource.malformed("schema of an unknown fragment") }
            guard let schema = try? JSONDecoder().decode(Schema.self, from: Data(payload[p.position...])) else {
                throw ByteSource.malformed("schema frame is not a schema")
            }
            guard schema == expected[index] else {
                throw ClusterError(.transport, "the edge's plan differs from the aggregator's (fragment \(index) has columns [\(schema.fields.map(\.name).joined(separator: ", "))]); run the same Sprite version on both")
            }
            schemas[index] = schema
        case .batch:
            let index = try p.count(max: max(expected.count - 1, 0))
            guard let schema = schemas[index] else { throw ByteSource.malformed("batch before its schema") }
            batches[index].append(try BatchCodec.decode(&p, schema: schema))
            guard p.remaining == 0 else { throw ByteSource.malformed("trailing bytes in a batch frame") }
        case .end:
            guard let s = try? JSONDecoder().decode(EdgeStats.self, from: Data(payload)) else { throw ByteSource.malformed("end frame") }
            stats = s
        case .error:
            struct Body: Decodable { struct E: Decodable { var code: String; var message: String }; var error: E }
            guard let b = try? JSONDecoder().decode(Body.self, from: Data(payload)) else { throw ByteSource.malformed("error frame") }
            throw ClusterError(ClusterError.Code(rawValue: b.error.code), b.error.message)
        }
    }
}
