/// Cumulative counters of a running collector (also written to `sprite_collector_stats`).
public struct CollectorStats: Sendable, Hashable {
    /// Ring-buffer events received.
    public var events = 0
    /// Payload bytes received in data events.
    public var eventBytes = 0
    /// Events the kernel could not queue because the ring buffer was full.
    public var drops = 0
    /// Messages that could not be parsed (each resynchronisation counts once).
    public var parseErrors = 0
    /// Responses without a request, and requests dropped without a response.
    public var unmatched = 0
    /// Connections tracked now.
    public var connections = 0
    /// Connections opened since start.
    public var connectionsOpened = 0
    /// Connections closed since start (including process exit and idle expiry).
    public var connectionsClosed = 0
    /// Rows appended to tables, all tables together.
    public var rows = 0
    /// `http_events` rows appended.
    public var httpRows = 0
    /// TLS reads and writes whose socket could not be found (no syscall underneath and no
    /// socket remembered for the SSL object): their plaintext is not captured.
    public var tlsUnattributed = 0
    /// Connections whose protocol user space corrected or found (the kernel's guess was wrong or
    /// missing), see `ProtocolDetector`.
    public var protocolCorrections = 0
    /// Bytes missing from streams (lost events or beyond the capture limit).
    public var gapBytes = 0
    /// Programs that could not be attached (optional ones; required ones fail the start).
    public var attachFailures: [String] = []

    public init() {}
}
