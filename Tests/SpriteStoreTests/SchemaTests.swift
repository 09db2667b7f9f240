import Testing
import SpriteStore

@Suite("Canonical schemas")
struct SchemaTests {
    private func columns(_ s: Schema) -> [String] { s.fields.map { "\($0.name):\($0.type.rawValue)" } }

    private let common = ["time_:TIME64NS", "upid:UINT128", "remote_addr:STRING", "remote_port:INT64",
                          "local_addr:STRING", "local_port:INT64", "trace_role:INT64", "encrypted:BOOLEAN"]

    @Test func httpEventsMatchesPixie() {
        #expect(columns(Schemas.httpEvents) == common + [
            "major_version:INT64", "minor_version:INT64", "content_type:INT64", "req_headers:STRING",
            "req_method:STRING", "req_path:STRING", "req_body:STRING", "req_body_size:INT64",
            "resp_headers:STRING", "resp_status:INT64", "resp_message:STRING", "resp_body:STRING",
            "resp_body_size:INT64", "latency:INT64",
        ])
        #expect(Schemas.httpEvents.fields.last?.semanticType == .durationNanos)
        #expect(Schemas.httpEvents.fields[1].semanticType == .upid)
    }

    @Test func protocolTablesMatchPixie() {
        #expect(columns(Schemas.mysqlEvents) == common + ["req_cmd:INT64", "req_body:STRING", "resp_status:INT64", "resp_body:STRING", "latency:INT64"])
        #expect(columns(Schemas.pgsqlEvents) == common + ["req_cmd:STRING", "req:STRING", "resp:STRING", "latency:INT64"])
        #expect(columns(Schemas.redisEvents) == common + ["req_cmd:STRING", "req_args:STRING", "resp:STRING", "latency:INT64"])
        #expect(columns(Schemas.dnsEvents) == common + ["req_header:STRING", "req_body:STRING", "resp_header:STRING", "resp_body:STRING", "latency:INT64"])
        #expect(columns(Schemas.kafkaEvents) == common + ["req_cmd:INT64", "client_id:STRING", "req_body:STRING", "resp:STRING", "latency:INT64"])
        #expect(Schemas.kafkaEvents.name == "kafka_events.beta")
    }

    @Test func statsTablesMatchPixie() {
        #expect(columns(Schemas.connStats) == [
            "time_:TIME64NS", "upid:UINT128", "remote_addr:STRING", "remote_port:INT64", "addr_family:INT64",
            "protocol:INT64", "role:INT64", "ssl:BOOLEAN", "conn_open:INT64", "conn_close:INT64",
            "conn_active:INT64", "bytes_sent:INT64", "bytes_recv:INT64",
        ])
        #expect(columns(Schemas.processStats) == [
            "time_:TIME64NS", "upid:UINT128", "major_faults:INT64", "minor_faults:INT64", "cpu_utime_ns:INT64",
            "cpu_ktime_ns:INT64", "num_threads:INT64", "vsize_bytes:INT64", "rss_bytes:INT64",
            "rchar_bytes:INT64", "wchar_bytes:INT64", "read_bytes:INT64", "write_bytes:INT64",
        ])
        #expect(columns(Schemas.networkStats) == [
            "time_:TIME64NS", "pod_id:STRING", "rx_bytes:INT64", "rx_packets:INT64", "rx_errors:INT64",
            "rx_drops:INT64", "tx_bytes:INT64", "tx_packets:INT64", "tx_errors:INT64", "tx_drops:INT64",
        ])
    }

    @Test func storeHoldsEveryCanonicalTable() {
        let store = TableStore()
        #expect(store.tableNames == [
            "conn_stats", "dns_events", "http_events", "kafka_events.beta", "mysql_events", "network_stats",
            "pgsql_events", "process_stats", "redis_events", "sprite_collector_stats",
        ])
        for schema in Schemas.all {
            #expect(store.table(named: schema.name)?.schema == schema)
            #expect(schema.fields.first?.name == "time_")
        }
    }

    @Test func budgetIsSharedByWeight() {
        let store = TableStore(configuration: StoreConfiguration(totalBytes: 1_000_000))
        let infos = Dictionary(uniqueKeysWithValues: store.tableInfos.map { ($0.name, $0.byteBudget) })
        // Weights: http 40, five protocol tables and conn_stats 8 each, process/network 4 each, collector 1: 97.
        #expect(infos["http_events"] == 1_000_000 * 40 / 97)
        #expect(infos["conn_stats"] == 1_000_000 * 8 / 97)
        #expect(infos["sprite_collector_stats"] == 1_000_000 / 97)
        #expect(infos.values.reduce(0, +) <= 1_000_000)
    }

    @Test func upidTextRoundTrips() {
        let upid = UPID(asid: 1, pid: 1234, startTimeTicks: 1_000_000)
        #expect(upid.description == "00000001-0000-04d2-0000-0000000f4240")
        #expect(UPID.parse(upid.description) == upid.value)
        #expect(UPID.format(.max) == "ffffffff-ffff-ffff-ffff-ffffffffffff")
        #expect(UPID.format(0) == "00000000-0000-0000-0000-000000000000")
        #expect(UPID.parse("not-a-upid") == nil)
        #expect(UPID(upid.value) == upid)
    }
}
