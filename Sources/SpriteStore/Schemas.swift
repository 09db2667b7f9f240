/// The canonical tables, with Pixie's table names and Pixie's column names, types and order, so
/// that users' PxL scripts run unchanged. Defined here once; every module uses these.
public enum Schemas {
    /// Columns every protocol table starts with.
    static let connectionColumns: [Field] = [
        Field("time_", .time64ns, description: "Time the response was seen (ns since the epoch)."),
        Field("upid", .uint128, .upid, description: "Unique process id of the traced process."),
        Field("remote_addr", .string, .ipAddress, description: "IP address of the remote endpoint."),
        Field("remote_port", .int64, .port, description: "Port of the remote endpoint."),
        Field("local_addr", .string, .ipAddress, description: "IP address of the local endpoint."),
        Field("local_port", .int64, .port, description: "Port of the local endpoint."),
        Field("trace_role", .int64, description: "Side of the traced process: 1 client, 2 server, 0 unknown."),
        Field("encrypted", .boolean, description: "Whether the traffic was TLS-encrypted on the wire."),
    ]

    static let latency = Field("latency", .int64, .durationNanos, description: "Response end minus request start (ns).")

    /// `http_events`: HTTP/1.x and HTTP/2 (including gRPC) requests with their responses.
    public static let httpEvents = Schema(name: "http_events", fields: connectionColumns + [
        Field("major_version", .int64, description: "HTTP major version."),
        Field("minor_version", .int64, description: "HTTP minor version."),
        Field("content_type", .int64, description: "Content type: 0 unknown, 1 JSON, 2 gRPC."),
        Field("req_headers", .string, description: "Request headers as a JSON object."),
        Field("req_method", .string, .httpRequestMethod, description: "Request method."),
        Field("req_path", .string, description: "Request path and query."),
        Field("req_body", .string, description: "Request body, truncated to the capture limit."),
        Field("req_body_size", .int64, .bytes, description: "Request body size before truncation."),
        Field("resp_headers", .string, description: "Response headers as a JSON object."),
        Field("resp_status", .int64, .httpResponseStatus, description: "Response status code."),
        Field("resp_message", .string, .httpResponseMessage, description: "Response reason phrase."),
        Field("resp_body", .string, description: "Response body, truncated to the capture limit."),
        Field("resp_body_size", .int64, .bytes, description: "Response body size before truncation."),
        latency,
    ])

    /// `mysql_events`: MySQL commands with their responses.
    public static let mysqlEvents = Schema(name: "mysql_events", fields: connectionColumns + [
        Field("req_cmd", .int64, description: "MySQL command byte (3 = COM_QUERY, 22 = COM_STMT_PREPARE, ...)."),
        Field("req_body", .string, description: "Query or statement text."),
        Field("resp_status", .int64, description: "0 unknown, 1 none, 2 OK, 3 error."),
        Field("resp_body", .string, description: "Response summary or error message."),
        latency,
    ])

    /// `pgsql_events`: PostgreSQL queries with their responses.
    public static let pgsqlEvents = Schema(name: "pgsql_events", fields: connectionColumns + [
        Field("req_cmd", .string, description: "Request message type, e.g. QUERY, PARSE, EXECUTE."),
        Field("req", .string, description: "Request text."),
        Field("resp", .string, description: "Response text."),
        latency,
    ])

    /// `redis_events`: Redis commands with their replies.
    public static let redisEvents = Schema(name: "redis_events", fields: connectionColumns + [
        Field("req_cmd", .string, description: "Command name."),
        Field("req_args", .string, description: "Command arguments as JSON."),
        Field("resp", .string, description: "Reply."),
        latency,
    ])

    /// `dns_events`: DNS queries with their answers.
    public static let dnsEvents = Schema(name: "dns_events", fields: connectionColumns + [
        Field("req_header", .string, description: "Query header as JSON."),
        Field("req_body", .string, description: "Queries as JSON."),
        Field("resp_header", .string, description: "Response header as JSON."),
        Field("resp_body", .string, description: "Answers as JSON."),
        latency,
    ])

    /// `kafka_events.beta`: Kafka requests with their responses.
    public static let kafkaEvents = Schema(name: "kafka_events.beta", fields: connectionColumns + [
        Field("req_cmd", .int64, description: "Kafka API key."),
        Field("client_id", .string, description: "Client id of the request."),
        Field("req_body", .string, description: "Request as JSON."),
        Field("resp", .string, description: "Response as JSON."),
        latency,
    ])

    /// `conn_stats`: per-process, per-remote-endpoint connection counters.
    public static let connStats = Schema(name: "conn_stats", fields: [
        Field("time_", .time64ns, description: "Time of the sample."),
        Field("upid", .uint128, .upid, description: "Unique process id."),
        Field("remote_addr", .string, .ipAddress, description: "Remote IP address."),
        Field("remote_port", .int64, .port, description: "Remote port."),
        Field("addr_family", .int64, description: "Socket address family (2 AF_INET, 10 AF_INET6)."),
        Field("protocol", .int64, description: "Protocol seen on the connections."),
        Field("role", .int64, description: "Side of the process: 1 client, 2 server, 0 unknown."),
        Field("ssl", .boolean, description: "Whether the connections use TLS."),
        Field("conn_open", .int64, description: "Connections opened (cumulative)."),
        Field("conn_close", .int64, description: "Connections closed (cumulative)."),
        Field("conn_active", .int64, description: "Connections open now."),
        Field("bytes_sent", .int64, .bytes, description: "Bytes sent (cumulative)."),
        Field("bytes_recv", .int64, .bytes, description: "Bytes received (cumulative)."),
    ])

    /// `process_stats`: CPU, memory and I/O counters per process.
    public static let processStats = Schema(name: "process_stats", fields: [
        Field("time_", .time64ns, description: "Time of the sample."),
        Field("upid", .uint128, .upid, description: "Unique process id."),
        Field("major_faults", .int64, description: "Major page faults (cumulative)."),
        Field("minor_faults", .int64, description: "Minor page faults (cumulative)."),
        Field("cpu_utime_ns", .int64, .durationNanos, description: "User CPU time (cumulative, ns)."),
        Field("cpu_ktime_ns", .int64, .durationNanos, description: "Kernel CPU time (cumulative, ns)."),
        Field("num_threads", .int64, description: "Threads."),
        Field("vsize_bytes", .int64, .bytes, description: "Virtual memory size."),
        Field("rss_bytes", .int64, .bytes, description: "Resident set size."),
        Field("rchar_bytes", .int64, .bytes, description: "Bytes read by read-like calls (cumulative)."),
        Field("wchar_bytes", .int64, .bytes, description: "Bytes written by write-like calls (cumulative)."),
        Field("read_bytes", .int64, .bytes, description: "Bytes read from storage (cumulative)."),
        Field("write_bytes", .int64, .bytes, description: "Bytes written to storage (cumulative)."),
    ])

    /// `network_stats`: per-pod (here: per network namespace) interface counters.
    public static let networkStats = Schema(name: "network_stats", fields: [
        Field("time_", .time64ns, description: "Time of the sample."),
        Field("pod_id", .string, description: "Pod id, or the network namespace outside Kubernetes."),
        Field("rx_bytes", .int64, .bytes, description: "Bytes received (cumulative)."),
        Field("rx_packets", .int64, description: "Packets received (cumulative)."),
        Field("rx_errors", .int64, description: "Receive errors (cumulative)."),
        Field("rx_drops", .int64, description: "Receive drops (cumulative)."),
        Field("tx_bytes", .int64, .bytes, description: "Bytes sent (cumulative)."),
        Field("tx_packets", .int64, description: "Packets sent (cumulative)."),
        Field("tx_errors", .int64, description: "Send errors (cumulative)."),
        Field("tx_drops", .int64, description: "Send drops (cumulative)."),
    ])

    /// `sprite_collector_stats`: the collector's own counters (Sprite's, not Pixie's).
    public static let collectorStats = Schema(name: "sprite_collector_stats", fields: [
        Field("time_", .time64ns, description: "Time of the sample."),
        Field("hostname", .string, .nodeName, description: "Node the collector runs on."),
        Field("events", .int64, description: "Ring-buffer events received (cumulative)."),
        Field("event_bytes", .int64, .bytes, description: "Payload bytes received (cumulative)."),
        Field("drops", .int64, description: "Events lost in the kernel: ring buffer full (cumulative)."),
        Field("parse_errors", .int64, description: "Messages that could not be parsed (cumulative)."),
        Field("connections", .int64, description: "Connections tracked now."),
        Field("rows", .int64, description: "Rows written to tables (cumulative)."),
        Field("message", .string, description: "Notable condition, e.g. an attach failure; empty otherwise."),
        Field("protocol_corrections", .int64, description: "Connections whose protocol the parsers corrected or found (cumulative)."),
    ])

    /// Every canonical table, in a stable order.
    public static let all: [Schema] = [
        httpEvents, mysqlEvents, pgsqlEvents, redisEvents, dnsEvents, kafkaEvents,
        connStats, processStats, networkStats, collectorStats,
    ]

    /// The canonical schema called `name`.
    public static func named(_ name: String) -> Schema? {
        all.first { $0.name == name }
    }
}
