import CSpriteBPF

extension EventProcessor {
    /// Hands bytes of a non-HTTP/1.x connection to its protocol session (created on first use
    /// from the kernel's guess, corrected by ``ProtocolDetector`` when the bytes disagree).
    func deliverToSession(_ c: Connection, direction: Int, bytes: UnsafeRawBufferPointer, gap: Int, time: UInt64,
                          rows: inout ProtocolRowWriter, stats: inout CollectorStats) {
        let side: MessageSide = c.carriesRequests(direction: direction) ? .request : .response
        if c.session == nil || c.sessionProtocol != c.protocolID {
            if c.session != nil { finishSession(c, time: time, rows: &rows, stats: &stats) }
            c.sessionProtocol = c.protocolID
            c.session = ProtocolSessions.make(protocol: c.protocolID, limits: ProtocolLimits(configuration))
            c.reportedErrors = c.requests.errors + c.responses.errors
            c.reportedUnmatched = 0
        }
        guard let session = c.session else { return }
        var records = bytes.isEmpty ? [] : session.consume(bytes, side: side, time: time)
        if gap > 0 { records += session.skip(gap, side: side, time: time) }
        if !records.isEmpty { rows.append(records, connection: c, clocks: clocks) }
        report(c, &stats)
    }

    /// The connection is over: completes what its session can and counts what is left.
    func finishSession(_ c: Connection, time: UInt64, rows: inout ProtocolRowWriter, stats: inout CollectorStats) {
        guard let session = c.session else { return }
        let records = session.finish(time: time)
        if !records.isEmpty { rows.append(records, connection: c, clocks: clocks) }
        report(c, &stats)
    }

    private func report(_ c: Connection, _ stats: inout CollectorStats) {
        let errors = c.parseErrors
        if errors != c.reportedErrors {
            stats.parseErrors += max(0, errors - c.reportedErrors)
            c.reportedErrors = errors
        }
        let unmatched = c.session?.unmatched ?? 0
        if unmatched != c.reportedUnmatched {
            stats.unmatched += max(0, unmatched - c.reportedUnmatched)
            c.reportedUnmatched = unmatched
        }
    }
}

/// Creates the session for a protocol number (Pixie's numbering, `sprite_protocol`).
enum ProtocolSessions {
    static func make(protocol id: Int, limits: ProtocolLimits) -> (any ProtocolSession)? {
        switch UInt32(clamping: id) {
        case SPRITE_PROTO_REDIS.rawValue: RedisSession(limits: limits)
        case SPRITE_PROTO_PGSQL.rawValue: PostgreSQLSession(limits: limits)
        case SPRITE_PROTO_MYSQL.rawValue: MySQLSession(limits: limits)
        case SPRITE_PROTO_DNS.rawValue: DNSSession(limits: limits)
        case SPRITE_PROTO_KAFKA.rawValue: KafkaSession(limits: limits)
        case SPRITE_PROTO_HTTP2.rawValue: HTTP2Session(limits: limits)
        default: nil
        }
    }
}
