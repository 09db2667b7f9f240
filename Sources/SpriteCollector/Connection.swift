import SpriteStore

/// User-space state of one traced TCP connection: where it goes, its two byte streams in order,
/// an HTTP parser per direction, and the requests still waiting for their responses.
final class Connection {
    let key: ConnectionKey
    let upid: UPID
    var role: Int
    var family = 0
    var remoteAddr = "-"
    var remotePort = -1
    var localAddr = "-"
    var localPort = -1
    /// The protocol the connection is parsed as: the kernel's guess unless user space decided.
    var protocolID = 0
    /// The protocol label of the last data event.
    var kernelProtocol = 0
    /// The protocol user space decided (``ProtocolDetector``), overriding the kernel's label.
    var userProtocol: Int?
    /// The first events, kept until the protocol is confirmed by a row.
    var probation: ProtocolProbation? = ProtocolProbation()
    /// Whether the parsed bytes are TLS plaintext captured in the TLS library.
    var encrypted = false
    /// Byte counters (from data events and kernel map samples).
    var bytesSent: UInt64 = 0
    var bytesRecv: UInt64 = 0
    var lastActivity: UInt64
    var egress = StreamReassembler()
    var ingress = StreamReassembler()
    var requests: HTTPParser
    var responses: HTTPParser
    var pending: [HTTPMessage] = []
    var pendingHead = 0
    /// Parser errors already added to the collector's count.
    var reportedErrors = 0
    /// The decoder of a non-HTTP/1.x protocol, created at its first bytes (Connection+Protocols.swift).
    var session: (any ProtocolSession)?
    var sessionProtocol = 0
    /// Session mismatches already added to the collector's count.
    var reportedUnmatched = 0

    init(key: ConnectionKey, upid: UPID, role: Int, now: UInt64, configuration: CollectorConfiguration) {
        self.key = key
        self.upid = upid
        self.role = role
        self.lastActivity = now
        requests = HTTPParser(mode: .requests, bodyLimit: configuration.bodyLimit, maxBufferBytes: configuration.maxBufferBytesPerStream)
        responses = HTTPParser(mode: .responses, bodyLimit: configuration.bodyLimit, maxBufferBytes: configuration.maxBufferBytesPerStream)
    }

    var parseErrors: Int { requests.errors + responses.errors + (session?.errors ?? 0) }

    /// Whether bytes in `direction` (0 egress, 1 ingress) are requests.
    func carriesRequests(direction: Int) -> Bool {
        role == 2 ? direction == 1 : direction == 0
    }

    var pendingCount: Int { pending.count - pendingHead }

    func popRequest() -> HTTPMessage? {
        guard pendingHead < pending.count else { return nil }
        let r = pending[pendingHead]
        pendingHead += 1
        if pendingHead > 64 && pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
        return r
    }

    /// Which waiting requests (oldest first, at most 64) are HEAD, as bits.
    func pendingHeadMask() -> UInt64 {
        var mask: UInt64 = 0
        var bit: UInt64 = 1
        var i = pendingHead
        while i < pending.count && bit != 0 {
            if pending[i].isHEAD { mask |= bit }
            bit <<= 1
            i += 1
        }
        return mask
    }
}
