import SpriteStore

/// Encodes export requests as OTLP/JSON: lowerCamelCase names, trace and span ids as hex, enums as
/// integers, 64-bit integers as strings.
enum JSONEncoding {
    static func traces(_ groups: [ResourceGroup<Span>]) -> [UInt8] {
        var w = JSONWriter(capacity: 1 << 14)
        w.raw("{\"resourceSpans\":[")
        for (i, g) in groups.enumerated() {
            if i > 0 { w.byte(44) }
            w.raw("{\"resource\":"); resource(&w, g.resource)
            w.raw(",\"scopeSpans\":[{\"scope\":"); scope(&w); w.raw(",\"spans\":[")
            for (j, s) in g.items.enumerated() {
                if j > 0 { w.byte(44) }
                w.raw("{\"traceId\":"); w.string(hex(s.traceID))
                w.raw(",\"spanId\":"); w.string(hex(s.spanID))
                if !s.parentSpanID.isEmpty { w.raw(",\"parentSpanId\":"); w.string(hex(s.parentSpanID)) }
                w.raw(",\"name\":"); w.string(s.name)
                w.raw(",\"kind\":"); w.int(Int64(s.kind.rawValue))
                w.raw(",\"startTimeUnixNano\":"); w.string(String(s.startTime))
                w.raw(",\"endTimeUnixNano\":"); w.string(String(s.endTime))
                w.raw(",\"attributes\":"); attributes(&w, s.attributes)
                if s.statusCode != 0 { w.raw(",\"status\":{\"code\":"); w.int(Int64(s.statusCode)); w.byte(125) }
                w.byte(125)
            }
            w.raw("]}]}")
        }
        w.raw("]}")
        return w.bytes
    }

    static func metrics(_ groups: [ResourceGroup<Metric>]) -> [UInt8] {
        var w = JSONWriter(capacity: 1 << 14)
        w.raw("{\"resourceMetrics\":[")
        for (i, g) in groups.enumerated() {
            if i > 0 { w.byte(44) }
            w.raw("{\"resource\":"); resource(&w, g.resource)
            w.raw(",\"scopeMetrics\":[{\"scope\":"); scope(&w); w.raw(",\"metrics\":[")
            for (j, m) in g.items.enumerated() {
                if j > 0 { w.byte(44) }
                w.raw("{\"name\":"); w.string(m.name)
                if !m.description.isEmpty { w.raw(",\"description\":"); w.string(m.description) }
                if !m.unit.isEmpty { w.raw(",\"unit\":"); w.string(m.unit) }
                switch m.data {
                case .gauge(let points):
                    w.raw(",\"gauge\":{\"dataPoints\":[")
                    for (k, p) in points.enumerated() {
                        if k > 0 { w.byte(44) }
                        w.raw("{\"attributes\":"); attributes(&w, p.attributes)
                        w.raw(",\"timeUnixNano\":"); w.string(String(p.time))
                        switch p.value {
                        case .double(let v): w.raw(",\"asDouble\":"); number(&w, v)
                        case .int(let v): w.raw(",\"asInt\":"); w.string(String(v))
                        }
                        w.byte(125)
                    }
                    w.raw("]}")
                case .summary(let points):
                    w.raw(",\"summary\":{\"dataPoints\":[")
                    for (k, p) in points.enumerated() {
                        if k > 0 { w.byte(44) }
                        w.raw("{\"attributes\":"); attributes(&w, p.attributes)
                        if p.startTime != 0 { w.raw(",\"startTimeUnixNano\":"); w.string(String(p.startTime)) }
                        w.raw(",\"timeUnixNano\":"); w.string(String(p.time))
                        w.raw(",\"count\":"); w.string(String(p.count))
                        w.raw(",\"sum\":"); number(&w, p.sum)
                        w.raw(",\"quantileValues\":[")
                        for (q, v) in p.quantiles.enumerated() {
                            if q > 0 { w.byte(44) }
                            w.raw("{\"quantile\":"); number(&w, v.quantile); w.raw(",\"value\":"); number(&w, v.value); w.byte(125)
                        }
                        w.raw("]}")
                    }
                    w.raw("]}")
                case .histogram(let points):
                    w.raw(",\"histogram\":{\"aggregationTemporality\":1,\"dataPoints\":[")
                    for (k, p) in points.enumerated() {
                        if k > 0 { w.byte(44) }
                        w.raw("{\"attributes\":"); attributes(&w, p.attributes)
                        w.raw(",\"startTimeUnixNano\":"); w.string(String(p.startTime))
                        w.raw(",\"timeUnixNano\":"); w.string(String(p.time))
                        w.raw(",\"count\":"); w.string(String(p.count))
                        w.raw(",\"sum\":"); number(&w, p.sum)
                        w.raw(",\"bucketCounts\":[")
                        for (b, c) in p.bucketCounts.enumerated() { if b > 0 { w.byte(44) }; w.string(String(c)) }
                        w.raw("],\"explicitBounds\":[")
                        for (b, v) in p.bounds.enumerated() { if b > 0 { w.byte(44) }; number(&w, v) }
                        w.byte(93)
                        if p.count > 0 { w.raw(",\"min\":"); number(&w, p.min); w.raw(",\"max\":"); number(&w, p.max) }
                        w.byte(125)
                    }
                    w.raw("]}")
                }
                w.byte(125)
            }
            w.raw("]}]}")
        }
        w.raw("]}")
        return w.bytes
    }

    static func logs(_ groups: [ResourceGroup<LogRecord>]) -> [UInt8] {
        var w = JSONWriter(capacity: 1 << 14)
        w.raw("{\"resourceLogs\":[")
        for (i, g) in groups.enumerated() {
            if i > 0 { w.byte(44) }
            w.raw("{\"resource\":"); resource(&w, g.resource)
            w.raw(",\"scopeLogs\":[{\"scope\":"); scope(&w); w.raw(",\"logRecords\":[")
            for (j, r) in g.items.enumerated() {
                if j > 0 { w.byte(44) }
                w.raw("{\"timeUnixNano\":"); w.string(String(r.time))
                w.raw(",\"observedTimeUnixNano\":"); w.string(String(r.observedTime))
                if r.severityNumber != 0 { w.raw(",\"severityNumber\":"); w.int(Int64(r.severityNumber)) }
                if !r.severityText.isEmpty { w.raw(",\"severityText\":"); w.string(r.severityText) }
                w.raw(",\"body\":"); anyValue(&w, r.body)
                w.raw(",\"attributes\":"); attributes(&w, r.attributes)
                w.byte(125)
            }
            w.raw("]}]}")
        }
        w.raw("]}")
        return w.bytes
    }

    static func scope(_ w: inout JSONWriter) {
        w.raw("{\"name\":"); w.string(ProtobufEncoding.scopeName)
        w.raw(",\"version\":"); w.string(ProtobufEncoding.scopeVersion); w.byte(125)
    }

    static func resource(_ w: inout JSONWriter, _ attrs: [Attribute]) {
        w.raw("{\"attributes\":"); attributes(&w, attrs); w.byte(125)
    }

    static func attributes(_ w: inout JSONWriter, _ attrs: [Attribute]) {
        w.byte(91)
        for (i, a) in attrs.enumerated() {
            if i > 0 { w.byte(44) }
            w.raw("{\"key\":"); w.string(a.key); w.raw(",\"value\":"); anyValue(&w, a.value); w.byte(125)
        }
        w.byte(93)
    }

    static func anyValue(_ w: inout JSONWriter, _ v: AttributeValue) {
        switch v {
        case .string(let s): w.raw("{\"stringValue\":"); w.string(s)
        case .bool(let b): w.raw("{\"boolValue\":"); w.bool(b)
        case .int(let i): w.raw("{\"intValue\":"); w.string(String(i))
        case .double(let d): w.raw("{\"doubleValue\":"); number(&w, d)
        }
        w.byte(125)
    }

    /// A double as JSON; integral values keep a fraction so receivers read a double.
    static func number(_ w: inout JSONWriter, _ d: Double) {
        if !d.isFinite { w.raw("null"); return }
        if d == d.rounded(), abs(d) < 1e15 { w.int(Int64(d)); w.raw(".0"); return }
        w.double(d)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
