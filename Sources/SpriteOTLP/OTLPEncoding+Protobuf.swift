import SpriteStore

/// Encodes export requests as OTLP protobuf (`Export{Trace,Metrics,Logs}ServiceRequest`).
enum ProtobufEncoding {
    static let scopeName = "sprite"
    static let scopeVersion = "0.1.0"

    static func traces(_ groups: [ResourceGroup<Span>]) -> [UInt8] { request(groups, encode) }
    static func metrics(_ groups: [ResourceGroup<Metric>]) -> [UInt8] { request(groups, encode) }
    static func logs(_ groups: [ResourceGroup<LogRecord>]) -> [UInt8] { request(groups, encode) }

    /// An `Export*ServiceRequest`: every signal nests resource (1) and scope items (2), scope (1)
    /// and items (2) the same way.
    static func request<T>(_ groups: [ResourceGroup<T>], _ item: (inout ProtobufWriter, T) -> Void) -> [UInt8] {
        var w = ProtobufWriter(capacity: 1 << 14)
        for g in groups {
            w.message(1) { r in
                r.message(1) { resource(&$0, g.resource) }
                r.message(2) { s in
                    s.message(1, scope)
                    for i in g.items { s.message(2) { item(&$0, i) } }
                }
            }
        }
        return w.bytes
    }

    static func scope(_ w: inout ProtobufWriter) {
        w.string(1, scopeName)
        w.string(2, scopeVersion)
    }

    static func resource(_ w: inout ProtobufWriter, _ attributes: [Attribute]) {
        for a in attributes { w.message(1) { keyValue(&$0, a) } }
    }

    static func keyValue(_ w: inout ProtobufWriter, _ a: Attribute) {
        w.string(1, a.key)
        w.message(2) { anyValue(&$0, a.value) }
    }

    static func anyValue(_ w: inout ProtobufWriter, _ v: AttributeValue) {
        switch v {
        case .string(let s): w.string(1, s, always: true)
        case .bool(let b): w.tag(2, 0); w.varint(b ? 1 : 0)
        case .int(let i): w.tag(3, 0); w.varint(UInt64(bitPattern: i))
        case .double(let d): w.double(4, d, always: true)
        }
    }

    static func encode(_ w: inout ProtobufWriter, _ s: Span) {
        w.data(1, s.traceID)
        w.data(2, s.spanID)
        w.data(4, s.parentSpanID)
        w.string(5, s.name, always: true)
        w.uint(6, UInt64(s.kind.rawValue))
        w.fixed64(7, s.startTime)
        w.fixed64(8, s.endTime)
        for a in s.attributes { w.message(9) { keyValue(&$0, a) } }
        if s.statusCode != 0 { w.message(15) { $0.uint(3, UInt64(s.statusCode)) } }
    }

    static func encode(_ w: inout ProtobufWriter, _ m: Metric) {
        w.string(1, m.name)
        w.string(2, m.description)
        w.string(3, m.unit)
        switch m.data {
        case .gauge(let points):
            w.message(5) { g in
                for p in points {
                    g.message(1) { d in
                        for a in p.attributes { d.message(7) { keyValue(&$0, a) } }
                        d.fixed64(3, p.time)
                        switch p.value {
                        case .double(let v): d.double(4, v, always: true)
                        case .int(let v): d.sfixed64(6, v, always: true)
                        }
                    }
                }
            }
        case .summary(let points):
            w.message(11) { s in
                for p in points {
                    s.message(1) { d in
                        for a in p.attributes { d.message(7) { keyValue(&$0, a) } }
                        d.fixed64(2, p.startTime)
                        d.fixed64(3, p.time)
                        d.fixed64(4, p.count)
                        d.double(5, p.sum)
                        for q in p.quantiles {
                            d.message(6) { $0.double(1, q.quantile); $0.double(2, q.value) }
                        }
                    }
                }
            }
        case .histogram(let points):
            w.message(9) { h in
                for p in points {
                    h.message(1) { d in
                        for a in p.attributes { d.message(9) { keyValue(&$0, a) } }
                        d.fixed64(2, p.startTime)
                        d.fixed64(3, p.time)
                        d.fixed64(4, p.count)
                        d.double(5, p.sum, always: true)
                        d.packedFixed64(6, p.bucketCounts)
                        d.packedDouble(7, p.bounds)
                        if p.count > 0 { d.double(11, p.min, always: true); d.double(12, p.max, always: true) }
                    }
                }
                h.uint(2, 1)  // AGGREGATION_TEMPORALITY_DELTA: each point covers one export window
            }
        }
    }

    static func encode(_ w: inout ProtobufWriter, _ r: LogRecord) {
        w.fixed64(1, r.time)
        w.uint(2, UInt64(r.severityNumber))
        w.string(3, r.severityText)
        w.message(5) { anyValue(&$0, r.body) }
        for a in r.attributes { w.message(6) { keyValue(&$0, a) } }
        w.fixed64(11, r.observedTime)
    }

    /// The rejected count and message of an OTLP response's partial success, if any.
    static func partialSuccess(_ body: [UInt8]) -> (rejected: Int64, message: String)? {
        var outer = ProtobufReader(body)
        var result: (Int64, String)? = nil
        outer.fields { field, _, data in
            guard field == 1, let data else { return }
            var inner = ProtobufReader(Array(data))
            var rejected: Int64 = 0, message = ""
            inner.fields { f, v, d in
                if f == 1, let v { rejected = Int64(bitPattern: v) }
                if f == 2, let d { message = String(decoding: d, as: UTF8.self) }
            }
            result = (rejected, message)
        }
        return result
    }
}
