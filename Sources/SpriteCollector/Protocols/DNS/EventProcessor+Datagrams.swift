import CSpriteBPF
import SpriteStore

extension EventProcessor {
    /// How long a DNS query over UDP waits for its response before it counts as unanswered
    /// (resolvers give up and retry after a few seconds).
    static let datagramQueryTimeout: UInt64 = 30_000_000_000

    /// Handles one UDP datagram event: the message goes straight to its socket's DNS matcher,
    /// keyed by the peer the datagram names (no stream positions: each datagram is whole).
    func datagram(_ raw: UnsafeRawBufferPointer, _ s: inout State) {
        let size = MemoryLayout<sprite_datagram_header>.size
        guard raw.count >= size else { return }
        let h = raw.loadUnaligned(as: sprite_datagram_header.self)
        let captured = min(Int(h.d.captured), raw.count - size)
        let payload = UnsafeRawBufferPointer(rebasing: raw[size..<(size + captured)])
        let id = h.d.hdr.conn
        let k = ConnectionKey(tgid: id.tgid, fd: id.fd, generation: id.generation)
        let time = h.d.hdr.timestamp_ns
        let socket: DatagramSocket
        if let existing = s.datagramSockets[k] {
            socket = existing
        } else {
            if s.datagramSockets.count >= configuration.maxConnections { evictIdleDatagramSockets(&s) }
            socket = DatagramSocket(key: k, upid: upid(id), now: time, limits: ProtocolLimits(configuration))
            s.datagramSockets[k] = socket
            let comm = withUnsafeBytes(of: h.comm) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            configuration.processDirectory.record(socket.upid, executable: comm)
            if s.processes[k.tgid] == nil {
                s.processes[k.tgid] = socket.upid
                s.newProcesses.insert(k.tgid)
            }
        }
        let family = Int(h.family)
        socket.family = family
        socket.localAddr = IPAddress.format(family: family, bytes: withUnsafeBytes(of: h.local_addr) { Array($0) })
        socket.localPort = Int(h.local_port)
        socket.lastActivity = time
        s.stats.eventBytes += payload.count
        let peer = DNSDatagramMatcher.Peer(
            addr: IPAddress.format(family: family, bytes: withUnsafeBytes(of: h.remote_addr) { Array($0) }), port: Int(h.remote_port))
        let egress = h.d.direction == UInt16(SPRITE_DIR_EGRESS.rawValue)
        if let m = socket.dns.datagram(payload, length: Int(h.d.length), egress: egress, peer: peer, time: time) {
            s.protocolRows.append([m.record], upid: socket.upid, remote: (m.peer.addr, m.peer.port),
                                  local: (socket.localAddr, socket.localPort), role: m.role, encrypted: false, clocks: clocks)
        }
        reportDatagram(socket, &s.stats)
    }

    /// Forgets a UDP socket (closed, its process gone, or idle); returns whether it was one.
    @discardableResult
    func closeDatagramSocket(_ k: ConnectionKey, _ s: inout State) -> Bool {
        guard let socket = s.datagramSockets.removeValue(forKey: k) else { return false }
        socket.dns.finish()
        reportDatagram(socket, &s.stats)
        return true
    }

    /// Drops UDP sockets idle for `limit` ns and queries unanswered for ``datagramQueryTimeout``.
    func expireDatagramSockets(now: UInt64, idleLimit: UInt64, _ s: inout State) {
        for (k, socket) in s.datagramSockets {
            if now > socket.lastActivity && now - socket.lastActivity > idleLimit {
                closeDatagramSocket(k, &s)
            } else if socket.dns.pendingCount > 0, socket.dns.expire(olderThan: Self.datagramQueryTimeout, now: now) > 0 {
                reportDatagram(socket, &s.stats)
            }
        }
    }

    private func evictIdleDatagramSockets(_ s: inout State) {
        let keep = configuration.maxConnections * 7 / 8
        let victims = s.datagramSockets.values.sorted { $0.lastActivity < $1.lastActivity }.prefix(max(0, s.datagramSockets.count - keep))
        for v in victims { closeDatagramSocket(v.key, &s) }
    }

    private func reportDatagram(_ socket: DatagramSocket, _ stats: inout CollectorStats) {
        let errors = socket.dns.errors, unmatched = socket.dns.unmatched
        stats.parseErrors += errors - socket.reportedErrors
        stats.unmatched += unmatched - socket.reportedUnmatched
        socket.reportedErrors = errors
        socket.reportedUnmatched = unmatched
    }
}
