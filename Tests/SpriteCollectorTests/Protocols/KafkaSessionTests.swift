import Testing
@testable import SpriteCollector

/// Kafka framing, header versions, body decoding and correlation-id stitching: no root needed.
@Suite struct KafkaSessionTests {
    typealias F = KafkaFrames
    static let topicID: [UInt8] = Array(1...16)
    static let topicIDText = "AQIDBAUGBwgJCgsMDQ4PEA"

    func column(_ r: [ProtocolRecord], _ name: String) -> [String] { r.map { $0[name]!.description } }

    static func apiVersions(_ c: Int) -> (request: [UInt8], response: [UInt8]) {
        let req = F.request(key: 18, version: 3, correlation: c, client: "rdk", flexible: true) { m in
            m.str("librdkafka"); m.str("2.0"); m.tags()
        }
        // ApiVersions responses keep header v0 (no tags) in flexible versions.
        let resp = F.response(correlation: c, flexible: true, headerTags: false) { m in
            m.i16(0); m.count(1); m.i16(0); m.i16(0); m.i16(11); m.tags(); m.i32(0); m.tags()
        }
        return (req, resp)
    }

    static func metadataV12(_ c: Int) -> (request: [UInt8], response: [UInt8]) {
        let req = F.request(key: 3, version: 12, correlation: c, client: "rdk", flexible: true) { m in
            m.count(1); m.uuid([UInt8](repeating: 0, count: 16)); m.str("orders"); m.tags()
            m.i8(1); m.i8(0); m.tags()
        }
        let resp = F.response(correlation: c, flexible: true) { m in
            m.i32(0)
            m.count(1); m.i32(1); m.str("127.0.0.1"); m.i32(9092); m.str(nil); m.tags()
            m.str("c1"); m.i32(1)
            m.count(1); m.i16(0); m.str("orders"); m.uuid(topicID); m.i8(0)
            m.count(1); m.i16(0); m.i32(0); m.i32(1); m.i32(0); m.count(1); m.i32(1); m.count(1); m.i32(1); m.count(0); m.tags()
            m.i32(Int(Int32.min)); m.tags()
            m.tags()
        }
        return (req, resp)
    }

    static func fetchV16(_ c: Int) -> (request: [UInt8], response: [UInt8]) {
        let req = F.request(key: 1, version: 16, correlation: c, client: "rdk", flexible: true) { m in
            m.i32(500); m.i32(1); m.i32(52_428_800); m.i8(0); m.i32(0); m.i32(-1)
            m.count(1); m.uuid(topicID)
            m.count(1); m.i32(0); m.i32(-1); m.i64(0); m.i32(-1); m.i64(-1); m.i32(1_048_576); m.tags()
            m.tags()
            m.count(0); m.str(""); m.tags()
        }
        let resp = F.response(correlation: c, flexible: true) { m in
            m.i32(0); m.i16(0); m.i32(0)
            m.count(1); m.uuid(topicID)
            m.count(1); m.i32(0); m.i16(0); m.i64(5); m.i64(5); m.i64(0); m.uvarint(0); m.i32(-1)
            m.bytes(F.recordBatch(baseOffset: 0, records: 3) + F.recordBatch(baseOffset: 3, records: 2)); m.tags()
            m.tags()
            m.tags()
        }
        return (req, resp)
    }

    static func produceV9(_ c: Int) -> (request: [UInt8], response: [UInt8]) {
        let req = F.request(key: 0, version: 9, correlation: c, client: "py", flexible: true) { m in
            m.str(nil); m.i16(-1); m.i32(30000)
            m.count(1); m.str("orders"); m.count(1); m.i32(0); m.bytes(F.recordBatch(baseOffset: 0, records: 3)); m.tags(); m.tags()
            m.tags()
        }
        let resp = F.response(correlation: c, flexible: true) { m in
            m.count(1); m.str("orders")
            m.count(1); m.i32(0); m.i16(0); m.i64(0); m.i64(-1); m.i64(0); m.count(0); m.str(nil); m.tags()
            m.tags()
            m.i32(0); m.tags()
        }
        return (req, resp)
    }

    @Test func flexibleConversationOfALibrdkafkaConsumer() {
        // Metadata on one connection names the topic id the fetch on another one uses.
        let names = KafkaTopicNames()
        let s = KafkaSession(limits: ProtocolLimits(), topicNames: names)
        let other = KafkaSession(limits: ProtocolLimits(), topicNames: names)
        let a = Self.apiVersions(1), m = Self.metadataV12(2), f = Self.fetchV16(3)
        var r: [ProtocolRecord] = []
        for (i, (req, resp)) in [a, m, f].enumerated() {
            let session = i == 2 ? other : s
            r += session.consume(req, side: .request, time: UInt64(10 * i + 1))
            r += session.consume(resp, side: .response, time: UInt64(10 * i + 5))
        }
        #expect(column(r, "req_cmd") == ["18", "3", "1"])
        #expect(column(r, "client_id") == ["rdk", "rdk", "rdk"])
        #expect(column(r, "req_body")[0] == #"{"api":"ApiVersions","api_version":3}"#)
        #expect(column(r, "resp")[0] == "")
        #expect(column(r, "req_body")[1] == #"{"topics":[{"topic_id":"AAAAAAAAAAAAAAAAAAAAAA","name":"orders"}],"allow_auto_topic_creation":true,"include_topic_authorized_operations":false}"#)
        #expect(column(r, "resp")[1] == #"{"throttle_time_ms":0,"brokers":[{"node_id":1,"host":"127.0.0.1","port":9092,"rack":null}],"cluster_id":"c1","controller_id":1,"topics":[{"error_code":0,"name":"orders","topic_id":"AQIDBAUGBwgJCgsMDQ4PEA","is_internal":false,"partitions":[{"index":0,"error_code":0,"leader_id":1,"leader_epoch":0,"replica_nodes":[1],"isr_nodes":[1],"offline_replicas":[]}]}]}"#)
        // Fetch v16 names topics by id only: the name comes from the Metadata response.
        #expect(column(r, "req_body")[2] == #"{"max_wait_ms":500,"min_bytes":1,"max_bytes":52428800,"isolation_level":0,"session_id":0,"session_epoch":-1,"topics":[{"topic_id":"AQIDBAUGBwgJCgsMDQ4PEA","name":"orders","partitions":[{"index":0,"current_leader_epoch":-1,"fetch_offset":0,"last_fetched_epoch":-1,"log_start_offset":-1,"partition_max_bytes":1048576}]}],"forgotten_topics":[],"rack_id":""}"#)
        #expect(column(r, "resp")[2] == #"{"throttle_time_ms":0,"error_code":0,"session_id":0,"topics":[{"topic_id":"AQIDBAUGBwgJCgsMDQ4PEA","name":"orders","partitions":[{"index":0,"error_code":0,"high_watermark":5,"last_stable_offset":5,"log_start_offset":0,"aborted_transactions":[],"preferred_read_replica":-1,"message_set":{"size":172,"record_count":5}}]}]}"#)
        #expect(r.map(\.latency) == [4, 4, 4])
        #expect(s.errors == 0 && s.unmatched == 0 && other.errors == 0)
    }

    @Test func produceFlexibleV9() {
        let s = KafkaSession(limits: ProtocolLimits())
        let p = Self.produceV9(7)
        _ = s.consume(p.request, side: .request, time: 100)
        let r = s.consume(p.response, side: .response, time: 250)
        #expect(column(r, "req_cmd") == ["0"])
        #expect(column(r, "client_id") == ["py"])
        #expect(column(r, "req_body") == [#"{"transactional_id":"","acks":-1,"timeout_ms":30000,"topics":[{"name":"orders","partitions":[{"index":0,"message_set":{"size":91,"record_count":3}}]}]}"#])
        #expect(column(r, "resp") == [#"{"topics":[{"name":"orders","partitions":[{"index":0,"error_code":0,"base_offset":0,"log_append_time_ms":-1,"log_start_offset":0,"record_errors":[],"error_message":""}]}],"throttle_time_ms":0}"#])
        #expect(r.first?.latency == 150)
    }

    @Test func classicProduceV7AndFetchV4WithLegacyMessages() {
        let s = KafkaSession(limits: ProtocolLimits())
        let produce = F.request(key: 0, version: 7, correlation: 1, client: "java", flexible: false) { m in
            m.str("tx-1"); m.i16(1); m.i32(1500)
            m.count(1); m.str("t"); m.count(1); m.i32(2); m.bytes(F.recordBatch(baseOffset: 0, records: 1, payload: 4))
        }
        let produced = F.response(correlation: 1, flexible: false) { m in
            m.count(1); m.str("t"); m.count(1); m.i32(2); m.i16(0); m.i64(41); m.i64(-1); m.i64(0); m.i32(0)
        }
        // Two legacy (magic 1) messages.
        var legacy = F(compact: false)
        for offset in [41, 42] {
            legacy.i64(offset); legacy.i32(26); legacy.i32(0); legacy.i8(1); legacy.i8(0); legacy.i64(0); legacy.i32(-1); legacy.i32(4); legacy.b += [1, 2, 3, 4]
        }
        let fetch = F.request(key: 1, version: 4, correlation: 2, client: nil, flexible: false) { m in
            m.i32(-1); m.i32(100); m.i32(1); m.i32(1 << 20); m.i8(1)
            m.count(1); m.str("t"); m.count(1); m.i32(2); m.i64(41); m.i32(65536)
        }
        let fetched = F.response(correlation: 2, flexible: false) { m in
            m.i32(0)
            m.count(1); m.str("t"); m.count(1); m.i32(2); m.i16(0); m.i64(43); m.i64(43); m.count(-1); m.bytes(legacy.b)
        }
        var r = s.consume(produce + fetch, side: .request, time: 1)
        r += s.consume(produced + fetched, side: .response, time: 2)
        #expect(column(r, "req_cmd") == ["0", "1"])
        #expect(column(r, "client_id") == ["java", ""])
        #expect(column(r, "req_body")[0] == #"{"transactional_id":"tx-1","acks":1,"timeout_ms":1500,"topics":[{"name":"t","partitions":[{"index":2,"message_set":{"size":65,"record_count":1}}]}]}"#)
        #expect(column(r, "resp")[0] == #"{"topics":[{"name":"t","partitions":[{"index":2,"error_code":0,"base_offset":41,"log_append_time_ms":-1,"log_start_offset":0}]}],"throttle_time_ms":0}"#)
        #expect(column(r, "req_body")[1] == #"{"replica_id":-1,"max_wait_ms":100,"min_bytes":1,"max_bytes":1048576,"isolation_level":1,"topics":[{"name":"t","partitions":[{"index":2,"fetch_offset":41,"partition_max_bytes":65536}]}]}"#)
        #expect(column(r, "resp")[1] == #"{"throttle_time_ms":0,"topics":[{"name":"t","partitions":[{"index":2,"error_code":0,"high_watermark":43,"last_stable_offset":43,"aborted_transactions":[],"message_set":{"size":76,"record_count":2}}]}]}"#)
        #expect(s.errors == 0 && s.unmatched == 0)
    }

    @Test func produceWithoutAcksHasNoResponse() {
        let s = KafkaSession(limits: ProtocolLimits())
        let req = F.request(key: 0, version: 3, correlation: 5, client: "fire", flexible: false) { m in
            m.str(nil); m.i16(0); m.i32(100); m.count(1); m.str("logs"); m.count(1); m.i32(0); m.bytes(nil)
        }
        let r = s.consume(req, side: .request, time: 9)
        #expect(column(r, "req_body") == [#"{"transactional_id":"","acks":0,"timeout_ms":100,"topics":[{"name":"logs","partitions":[{"index":0,"message_set":{"size":0,"record_count":0}}]}]}"#])
        #expect(column(r, "resp") == [""])
        #expect(s.finish(time: 10).isEmpty && s.unmatched == 0)
    }

    @Test func responsesMatchedByCorrelationID() {
        let s = KafkaSession(limits: ProtocolLimits())
        let a = Self.apiVersions(10), b = Self.apiVersions(11), c = Self.apiVersions(12)
        _ = s.consume(a.request + b.request + c.request, side: .request, time: 1)
        // A response nobody asked for, then the answer to the second request: the first is lost.
        var r = s.consume(Self.apiVersions(99).response, side: .response, time: 2)
        #expect(r.isEmpty && s.unmatched == 1)
        r = s.consume(b.response, side: .response, time: 3)
        #expect(r.count == 1 && s.unmatched == 2)
        r = s.consume(c.response, side: .response, time: 4)
        #expect(r.count == 1 && s.unmatched == 2)
        #expect(s.errors == 0)
    }

    @Test func splitAtEveryPosition() {
        let f = Self.fetchV16(3), m = Self.metadataV12(2)
        for split in 1..<f.response.count {
            let s = KafkaSession(limits: ProtocolLimits())
            _ = s.consume(m.request + f.request, side: .request, time: 1)
            _ = s.consume(m.response, side: .response, time: 2)
            let r = s.consume(Array(f.response[..<split]), side: .response, time: 3) + s.consume(Array(f.response[split...]), side: .response, time: 4)
            #expect(r.count == 1 && r.first?["resp"]?.description.contains(#""record_count":5"#) == true, "split \(split)")
        }
    }

    @Test func bodiesAreTruncatedToTheTextLimit() {
        let s = KafkaSession(limits: ProtocolLimits(textLimit: 20))
        let p = Self.produceV9(1)
        _ = s.consume(p.request, side: .request, time: 1)
        let r = s.consume(p.response, side: .response, time: 2)
        #expect(column(r, "req_body") == [#"{"transactional_id":"#])
        #expect(column(r, "resp") == [#"{"topics":[{"name":""#])
    }

    @Test func garbageIsRejectedAndTheStreamResumes() {
        let s = KafkaSession(limits: ProtocolLimits())
        // A size that is no Kafka request (API key 0x4142), then a real request in its own event.
        _ = s.consume(Array("\0\0\0\u{10}ABCDEFGHIJKLMNOP".utf8), side: .request, time: 1)
        #expect(s.errors == 1)
        let a = Self.apiVersions(4)
        _ = s.consume(a.request, side: .request, time: 2)
        #expect(s.consume(a.response, side: .response, time: 3).count == 1)
    }

    @Test func apiNamesCoverEveryKey() {
        #expect(KafkaAPI.names.count == 93)
        #expect(KafkaAPI.name(18) == "ApiVersions" && KafkaAPI.name(75) == "DescribeTopicPartitions" && KafkaAPI.name(92) == "DeleteShareGroupOffsets")
        #expect(KafkaAPI.isFlexible(0, version: 9) && !KafkaAPI.isFlexible(0, version: 8) && !KafkaAPI.isFlexible(17, version: 1))
        #expect(KafkaAPI.isFlexible(60, version: 0) && !KafkaAPI.responseHasTags(18, version: 4))
    }

    static var corpus: [ProtocolFuzzer.Conversation] {
        let a = apiVersions(1), m = metadataV12(2), f = fetchV16(3), p = produceV9(4)
        return [
            .init(requests: a.request + m.request + f.request, responses: a.response + m.response + f.response),
            .init(requests: p.request + m.request, responses: p.response + m.response),
        ]
    }

    @Test func fuzz() {
        var f = ProtocolFuzzer()
        let (inputs, _) = f.run(corpus: Self.corpus) { KafkaSession(limits: ProtocolLimits(textLimit: 64, maxBufferBytes: 4096, maxPending: 8)) }
        #expect(inputs == ProtocolFuzzer.iterations)
    }
}
