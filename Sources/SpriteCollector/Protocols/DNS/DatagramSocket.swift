import SpriteStore

/// User-space state of one traced UDP socket that carries DNS: its identity and local endpoint,
/// and the queries waiting for responses, per peer (see ``DNSDatagramMatcher``). Rows take the
/// remote endpoint from each datagram, not from the socket.
final class DatagramSocket {
    let key: ConnectionKey
    let upid: UPID
    var family = 0
    var localAddr = "-"
    var localPort = -1
    var lastActivity: UInt64
    var dns: DNSDatagramMatcher
    /// Errors and unmatched messages already added to the collector's counts.
    var reportedErrors = 0
    var reportedUnmatched = 0

    init(key: ConnectionKey, upid: UPID, now: UInt64, limits: ProtocolLimits) {
        self.key = key
        self.upid = upid
        lastActivity = now
        dns = DNSDatagramMatcher(limits: limits)
    }
}
