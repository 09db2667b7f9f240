/// Decodes the bodies of Produce, Fetch and Metadata requests and responses, in every version
/// from 0 to today's (flexible encodings included), to JSON with Pixie's field names: topic
/// names (or ids, named from earlier Metadata responses), partitions, and record sets as their
/// size in bytes and their record count. Every decoder returns nil on malformed input.
struct KafkaBodies {
    /// Topic names by id (Fetch v13+ and Produce v13+ carry ids only), learnt from Metadata v10+.
    let topicNames: KafkaTopicNames

    // MARK: - JSON helpers

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { JSONText.quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    static func string(_ s: String?) -> String { s.map { JSONText.quoted($0) } ?? "null" }

    /// Reads an array of `element`s (nil when malformed; `[]` for a null array unless `nullable`
    /// asks for `null`).
    static func readArray(_ r: inout KafkaReader, compact: Bool, nullable: Bool = false,
                          _ element: (inout KafkaReader) -> String?) -> String? {
        guard let n = r.arrayCount(compact: compact) else { return nil }
        if n < 0 { return nullable ? "null" : "[]" }
        var items: [String] = []
        items.reserveCapacity(n)
        for _ in 0..<n {
            guard let item = element(&r) else { return nil }
            items.append(item)
        }
        return array(items)
    }

    static func int32Array(_ r: inout KafkaReader, compact: Bool) -> String? {
        readArray(&r, compact: compact) { r in r.int32().map(String.init) }
    }

    /// `{"size":N,"record_count":K}` for a record set (v2 record batches or legacy message sets).
    static func messageSet(_ r: inout KafkaReader, compact: Bool) -> String? {
        guard let range = r.byteRange(compact: compact) else { return nil }
        guard let range else { return object([("size", "0"), ("record_count", "0")]) }
        return object([("size", String(range.count)), ("record_count", String(recordCount(r.bytes, range)))])
    }

    /// Records in the complete batches of a record set (a fetch may end with a partial batch).
    static func recordCount(_ b: [UInt8], _ range: Range<Int>) -> Int {
        func be32(_ i: Int) -> Int { Int(Int32(bitPattern: UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3]))) }
        var count = 0
        var i = range.lowerBound
        while i + 17 <= range.upperBound {
            let length = be32(i + 8)
            guard length > 0, length <= range.upperBound - i - 12 else { break }
            if b[i + 16] == 2 {
                // Record batch: the record count is the last header field (offset 57).
                guard length >= 49 else { break }
                let n = be32(i + 57)
                guard n >= 0 else { break }
                count += n
            } else {
                count += 1  // a legacy message (a compressed wrapper counts once)
            }
            i += 12 + length
        }
        return count
    }

    /// A topic reference: its name (v < 13) or its id, named when a Metadata response told.
    func topic(_ r: inout KafkaReader, byID: Bool, compact: Bool) -> [(String, String)]? {
        if byID {
            guard let id = r.uuid() else { return nil }
            return [("topic_id", JSONText.quoted(id)), ("name", JSONText.quoted(topicNames.name(of: id) ?? ""))]
        }
        guard let name = r.text(compact: compact) else { return nil }
        return [("name", JSONText.quoted(name))]
    }

    // MARK: - Produce

    func produceRequest(_ r: inout KafkaReader, version v: Int, flexible f: Bool) -> String? {
        var transactionalID: String?? = .some(nil)
        if v >= 3 { transactionalID = r.string(compact: f) }
        guard let transactionalID, let acks = r.int16(), let timeout = r.int32() else { return nil }
        let topics = Self.readArray(&r, compact: f) { r in
            guard let t = topic(&r, byID: v >= 13, compact: f) else { return nil }
            let partitions = Self.readArray(&r, compact: f) { r in
                guard let index = r.int32(), let set = Self.messageSet(&r, compact: f) else { return nil }
                if f && !r.skipTaggedFields() { return nil }
                return Self.object([("index", String(index)), ("message_set", set)])
            }
            guard let partitions else { return nil }
            if f && !r.skipTaggedFields() { return nil }
            return Self.object(t + [("partitions", partitions)])
        }
        guard let topics else { return nil }
        return Self.object([("transactional_id", Self.string(transactionalID ?? "")), ("acks", String(acks)),
                            ("timeout_ms", String(timeout)), ("topics", topics)])
    }

    /// The acks of a Produce request (0: the broker sends no response).
    static func produceAcks(_ r: KafkaReader, version v: Int, flexible f: Bool) -> Int? {
        var r = r
        if v >= 3 { guard r.string(compact: f) != nil else { return nil } }
        return r.int16()
    }

    func produceResponse(_ r: inout KafkaReader, version v: Int, flexible f: Bool) -> String? {
        let topics = Self.readArray(&r, compact: f) { r in
            guard let t = topic(&r, byID: v >= 13, compact: f) else { return nil }
            let partitions = Self.readArray(&r, compact: f) { r in
                guard let index = r.int32(), let error = r.int16(), let base = r.int64() else { return nil }
                var fields = [("index", String(index)), ("error_code", String(error)), ("base_offset", String(base))]
                if v >= 2 { guard let t = r.int64() else { return nil }; fields.append(("log_append_time_ms", String(t))) }
                if v >= 5 { guard let s = r.int64() else { return nil }; fields.append(("log_start_offset", String(s))) }
                if v >= 8 {
                    let errors = Self.readArray(&r, compact: f) { r in
                        guard let i = r.int32(), let m = r.string(compact: f) else { return nil }
                        if f && !r.skipTaggedFields() { return nil }
                        return Self.object([("batch_index", String(i)), ("error_message", Self.string(m ?? ""))])
                    }
                    guard let errors, let message = r.string(compact: f) else { return nil }
                    fields += [("record_errors", errors), ("error_message", Self.string(message ?? ""))]
                }
                if f && !r.skipTaggedFields() { return nil }
                return Self.object(fields)
            }
            guard let partitions else { return nil }
            if f && !r.skipTaggedFields() { return nil }
            return Self.object(t + [("partitions", partitions)])
        }
        guard let topics else { return nil }
        var fields = [("topics", topics)]
        if v >= 1 { guard let throttle = r.int32() else { return nil }; fields.append(("throttle_time_ms", String(throttle))) }
        return Self.object(fields)
    }

    // MARK: - Fetch

    func fetchRequest(_ r: inout KafkaReader, version v: Int, flexible f: Bool) -> String? {
        var fields: [(String, String)] = []
        if v <= 14 { guard let replica = r.int32() else { return nil }; fields.append(("replica_id", String(replica))) }
        guard let maxWait = r.int32(), let minBytes = r.int32() else { return nil }
        fields += [("max_wait_ms", String(maxWait)), ("min_bytes", String(minBytes))]
        if v >= 3 { guard let m = r.int32() else { return nil }; fields.append(("max_bytes", String(m))) }
        if v >= 4 { guard let i = r.int8() else { return nil }; fields.append(("isolation_level", String(i))) }
        if v >= 7 {
            guard let id = r.int32(), let epoch = r.int32() else { return nil }
            fields += [("session_id", String(id)), ("session_epoch", String(epoch))]
        }
        let topics = Self.readArray(&r, compact: f) { r in
            guard let t = topic(&r, byID: v >= 13, compact: f) else { return nil }
            let partitions = Self.readArray(&r, compact: f) { r in
                guard let index = r.int32() else { return nil }
                var p = [("index", String(index))]
                if v >= 9 { guard let e = r.int32() else { return nil }; p.append(("current_leader_epoch", String(e))) }
                guard let offset = r.int64() else { return nil }
                p.append(("fetch_offset", String(offset)))
                if v >= 12 { guard let e = r.int32() else { return nil }; p.append(("last_fetched_epoch", String(e))) }
                if v >= 5 { guard let s = r.int64() else { return nil }; p.append(("log_start_offset", String(s))) }
                guard let maxBytes = r.int32() else { return nil }
                p.append(("partition_max_bytes", String(maxBytes)))
                if f && !r.skipTaggedFields() { return nil }
                return Self.object(p)
            }
            guard let partitions else { return nil }
            if f && !r.skipTaggedFields() { return nil }
            return Self.object(t + [("partitions", partitions)])
        }
        guard let topics else { return nil }
        fields.append(("topics", topics))
        if v >= 7 {
            let forgotten = Self.readArray(&r, compact: f) { r in
                guard let t = topic(&r, byID: v >= 13, compact: f), let parts = Self.int32Array(&r, compact: f) else { return nil }
                if f && !r.skipTaggedFields() { return nil }
                return Self.object(t + [("partition_indices", parts)])
            }
            guard let forgotten else { return nil }
            fields.append(("forgotten_topics", forgotten))
        }
        if v >= 11 { guard let rack = r.text(compact: f) else { return nil }; fields.append(("rack_id", JSONText.quoted(rack))) }
        return Self.object(fields)
    }

    func fetchResponse(_ r: inout KafkaReader, version v: Int, flexible f: Bool) -> String? {
        var fields: [(String, String)] = []
        if v >= 1 { guard let t = r.int32() else { return nil }; fields.append(("throttle_time_ms", String(t))) }
        if v >= 7 {
            guard let e = r.int16(), let s = r.int32() else { return nil }
            fields += [("error_code", String(e)), ("session_id", String(s))]
        }
        let topics = Self.readArray(&r, compact: f) { r in
            guard let t = topic(&r, byID: v >= 13, compact: f) else { return nil }
            let partitions = Self.readArray(&r, compact: f) { r in
                guard let index = r.int32(), let error = r.int16(), let high = r.int64() else { return nil }
                var p = [("index", String(index)), ("error_code", String(error)), ("high_watermark", String(high))]
                if v >= 4 { guard let s = r.int64() else { return nil }; p.append(("last_stable_offset", String(s))) }
                if v >= 5 { guard let s = r.int64() else { return nil }; p.append(("log_start_offset", String(s))) }
                if v >= 4 {
                    let aborted = Self.readArray(&r, compact: f) { r in
                        guard let producer = r.int64(), let first = r.int64() else { return nil }
                        if f && !r.skipTaggedFields() { return nil }
                        return Self.object([("producer_id", String(producer)), ("first_offset", String(first))])
                    }
                    guard let aborted else { return nil }
                    p.append(("aborted_transactions", aborted))
                }
                if v >= 11 { guard let rr = r.int32() else { return nil }; p.append(("preferred_read_replica", String(rr))) }
                guard let set = Self.messageSet(&r, compact: f) else { return nil }
                p.append(("message_set", set))
                if f && !r.skipTaggedFields() { return nil }
                return Self.object(p)
            }
            guard let partitions else { return nil }
            if f && !r.skipTaggedFields() { return nil }
            return Self.object(t + [("partitions", partitions)])
        }
        guard let topics else { return nil }
        fields.append(("topics", topics))
        return Self.object(fields)
    }

    // MARK: - Metadata

    func metadataRequest(_ r: inout KafkaReader, version v: Int, flexible f: Bool) -> String? {
        let topics = Self.readArray(&r, compact: f, nullable: v >= 1) { r in
            var t: [(String, String)] = []
            if v >= 10 { guard let id = r.uuid() else { return nil }; t.append(("topic_id", JSONText.quoted(id))) }
            guard let name = r.string(compact: f) else { return nil }
            t.append(("name", Self.string(name)))
            if f && !r.skipTaggedFields() { return nil }
            return Self.object(t)
        }
        guard let topics else { return nil }
        var fields = [("topics", topics)]
        if v >= 4 { guard let b = r.bool() else { return nil }; fields.append(("allow_auto_topic_creation", String(b))) }
        if v >= 8 && v <= 10 { guard let b = r.bool() else { return nil }; fields.append(("include_cluster_authorized_operations", String(b))) }
        if v >= 8 { guard let b = r.bool() else { return nil }; fields.append(("include_topic_authorized_operations", String(b))) }
        return Self.object(fields)
    }

    /// Decodes a Metadata response and remembers the topic ids it names.
    func metadataResponse(_ r: inout KafkaReader, version v: Int, flexible f: Bool) -> String? {
        var fields: [(String, String)] = []
        if v >= 3 { guard let t = r.int32() else { return nil }; fields.append(("throttle_time_ms", String(t))) }
        let brokers = Self.readArray(&r, compact: f) { r in
            guard let node = r.int32(), let host = r.text(compact: f), let port = r.int32() else { return nil }
            var b = [("node_id", String(node)), ("host", JSONText.quoted(host)), ("port", String(port))]
            if v >= 1 { guard let rack = r.string(compact: f) else { return nil }; b.append(("rack", Self.string(rack))) }
            if f && !r.skipTaggedFields() { return nil }
            return Self.object(b)
        }
        guard let brokers else { return nil }
        fields.append(("brokers", brokers))
        if v >= 2 { guard let c = r.string(compact: f) else { return nil }; fields.append(("cluster_id", Self.string(c))) }
        if v >= 1 { guard let c = r.int32() else { return nil }; fields.append(("controller_id", String(c))) }
        var learnt: [(id: String, name: String)] = []
        let topics = Self.readArray(&r, compact: f) { r in
            guard let error = r.int16(), let name = r.string(compact: f) else { return nil }
            var t = [("error_code", String(error)), ("name", Self.string(name))]
            if v >= 10 {
                guard let id = r.uuid() else { return nil }
                t.append(("topic_id", JSONText.quoted(id)))
                if let name { learnt.append((id: id, name: name)) }
            }
            if v >= 1 { guard let i = r.bool() else { return nil }; t.append(("is_internal", String(i))) }
            let partitions = Self.readArray(&r, compact: f) { r in
                guard let error = r.int16(), let index = r.int32(), let leader = r.int32() else { return nil }
                var p = [("index", String(index)), ("error_code", String(error)), ("leader_id", String(leader))]
                if v >= 7 { guard let e = r.int32() else { return nil }; p.append(("leader_epoch", String(e))) }
                guard let replicas = Self.int32Array(&r, compact: f), let isr = Self.int32Array(&r, compact: f) else { return nil }
                p += [("replica_nodes", replicas), ("isr_nodes", isr)]
                if v >= 5 { guard let o = Self.int32Array(&r, compact: f) else { return nil }; p.append(("offline_replicas", o)) }
                if f && !r.skipTaggedFields() { return nil }
                return Self.object(p)
            }
            guard let partitions else { return nil }
            t.append(("partitions", partitions))
            if v >= 8 { guard r.int32() != nil else { return nil } }
            if f && !r.skipTaggedFields() { return nil }
            return Self.object(t)
        }
        guard let topics else { return nil }
        fields.append(("topics", topics))
        topicNames.learn(learnt)
        return Self.object(fields)
    }
}
