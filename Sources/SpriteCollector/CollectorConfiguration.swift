import SpriteStore
/// Settings of the edge collector. Every value has a documented default.
public struct CollectorConfiguration: Sendable, Hashable {
    /// Payload bytes the kernel copies per syscall event (default 16 KiB, at most 16 KiB). Bytes
    /// beyond it are reported as a gap: bodies stay correctly sized, their tail is not captured,
    /// and message heads longer than this are lost (counted as parse errors).
    public var captureLimit: Int = 16 << 10
    /// Body bytes kept per request or response in `req_body` / `resp_body` (default 4 KiB); the
    /// original size is recorded in `req_body_size` / `resp_body_size`.
    public var bodyLimit: Int = 4 << 10
    /// Size of the kernel ring buffer in bytes (default 16 MiB; a power of two of pages).
    public var ringBufferBytes: Int = 16 << 20
    /// How often the consumer drains the ring buffer (default 5 ms: on saturated CPUs its work
    /// comes in small pieces, so the traced services wait less for their CPU). Events are committed without
    /// waking the consumer, so it wakes this often and handles everything waiting in one batch;
    /// when a quarter of the ring buffer is waiting, the kernel wakes it at once.
    public var pollInterval: Duration = .milliseconds(5)
    /// Connections the kernel tracks at once (LRU map; default 65,536).
    public var maxKernelConnections: Int = 65_536
    /// Connections tracked in user space at once; the least recently active go first (default 16,384).
    public var maxConnections: Int = 16_384
    /// Unparsed bytes buffered per connection direction before it resynchronises (default 1 MiB).
    public var maxBufferBytesPerStream: Int = 1 << 20
    /// Requests waiting for responses per connection before the oldest are dropped (default 256).
    public var maxPendingRequests: Int = 256
    /// How often finished rows are appended to the tables (default 500 ms).
    public var flushInterval: Duration = .milliseconds(500)
    /// How often `conn_stats` rows are written for every endpoint (default 10 s); a row is also
    /// written whenever a connection closes.
    public var connStatsInterval: Duration = .seconds(10)
    /// How often `process_stats` rows are written for traced processes (default 5 s); a process
    /// also gets a row at the first flush after it is first seen.
    public var processStatsInterval: Duration = .seconds(5)
    /// How often a `sprite_collector_stats` row is written (default 10 s, plus one at start and stop).
    public var collectorStatsInterval: Duration = .seconds(10)
    /// Connections without events for this long are dropped from user space (default 10 min).
    public var idleExpiry: Duration = .seconds(600)
    /// Whether TLS plaintext is captured with uprobes on OpenSSL (default true). Failures to load
    /// or attach are reported in `sprite_collector_stats`, never fatal.
    public var traceTLS: Bool = true
    /// How often every process is rescanned for TLS libraries loaded later with `dlopen`, and
    /// probes on libraries no process maps any more are released (default 10 s).
    public var tlsRescanInterval: Duration = .seconds(10)
    /// Where the names, command lines and container ids of the processes seen are recorded
    /// (read by `df.ctx[...]` and the `upid_to_*` functions; default: the node's shared one).
    public var processDirectory: ProcessDirectory = .shared
    /// Node name written to `sprite_collector_stats` (default: the host name).
    public var hostname: String? = nil
    /// Agent short id written into every `upid` (default 0: single node).
    public var asid: UInt32 = 0

    /// The defaults.
    public init() {}

    /// Checks every value's range; the error names the setting and its allowed range.
    public func validate() throws(CollectorError) {
        guard (1...16384).contains(captureLimit) else {
            throw CollectorError(.badConfiguration, "the capture limit (captureLimit, --capture-limit) must be between 1 and 16384 bytes, got \(captureLimit).")
        }
        guard bodyLimit >= 0 else { throw CollectorError(.badConfiguration, "the body limit (bodyLimit, --body-limit) must not be negative.") }
        guard ringBufferBytes >= 1 << 16, ringBufferBytes & (ringBufferBytes - 1) == 0 else {
            throw CollectorError(.badConfiguration, "the ring buffer size (ringBufferBytes, --ring-buffer) must be a power of two of at least 64KiB, got \(ringBufferBytes).")
        }
        guard pollInterval >= .milliseconds(1), pollInterval <= .seconds(1) else {
            throw CollectorError(.badConfiguration, "the poll interval (pollInterval, --poll-interval) must be between 1ms and 1s, got \(pollInterval).")
        }
        guard maxKernelConnections > 0, maxConnections > 0, maxPendingRequests > 0 else {
            throw CollectorError(.badConfiguration, "connection and request limits must be positive.")
        }
    }
}
