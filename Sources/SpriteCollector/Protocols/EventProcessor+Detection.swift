import CSpriteBPF

extension Connection {
    /// Takes the protocol label of a data event; it is the connection's protocol until user space
    /// decides otherwise (``ProtocolDetector``).
    func observeKernelProtocol(_ p: Int) {
        kernelProtocol = p
        if userProtocol == nil { protocolID = p }
    }

    /// The connection carries TLS and its plaintext now comes from the TLS library: syscall bytes
    /// shipped before the kernel knew (unclassified prefixes, e.g. of a `MSG_PEEK` of the first
    /// byte) were ciphertext, on other stream positions. Starts the streams and parsers afresh.
    func startTLSPlaintext(_ configuration: CollectorConfiguration) {
        encrypted = true
        egress = StreamReassembler()
        ingress = StreamReassembler()
        resetParsers(configuration)
        userProtocol = nil
        probation = ProtocolProbation()
    }

    /// Forgets what the parsers of a wrong protocol guess built.
    func resetParsers(_ configuration: CollectorConfiguration) {
        requests = HTTPParser(mode: .requests, bodyLimit: configuration.bodyLimit, maxBufferBytes: configuration.maxBufferBytesPerStream)
        responses = HTTPParser(mode: .responses, bodyLimit: configuration.bodyLimit, maxBufferBytes: configuration.maxBufferBytesPerStream)
        pending.removeAll()
        pendingHead = 0
        session = nil
        sessionProtocol = 0
        reportedErrors = 0
        reportedUnmatched = 0
    }
}

extension EventProcessor {
    private static let unknown = Int(SPRITE_PROTO_UNKNOWN.rawValue)
    private static let none = Int(SPRITE_PROTO_NONE.rawValue)

    /// Delivers bytes of a connection whose protocol is on probation (see ``ProtocolDetector``).
    func probe(_ c: Connection, direction: Int, bytes: UnsafeRawBufferPointer, gap: Int, time: UInt64, _ s: inout State) {
        guard var p = c.probation else {
            parse(c, direction: direction, bytes: bytes, gap: gap, time: time, &s)
            return
        }
        let event = ProtocolDetector.Event(direction: direction, requests: c.carriesRequests(direction: direction),
                                           bytes: Array(bytes), gap: gap, time: time)
        let kept = p.keep(event)
        if c.protocolID == Self.unknown {
            // Nothing parses the connection yet: classify it from what was kept. Without a role
            // (tracked without connect/accept) requests cannot be told from responses.
            guard kept, c.role != 0 else { c.probation = nil; return }
            var found: Int?
            if var trials = p.trials {
                found = ProtocolDetector.step(&trials, event)
                p.trials = trials
            } else {
                found = startTrials(&p)
            }
            if let found {
                adopt(found, c, &p, &s)
            } else if p.trials?.isEmpty == false {
                c.probation = p
            } else {
                giveUp(c)
            }
            return
        }
        guard kept else {
            // Too much without a verdict and without an error: the guess stands.
            c.probation = nil
            let backlog = p.events[p.delivered...]
            for e in backlog { replay(e, c, &s) }
            parse(c, direction: direction, bytes: bytes, gap: gap, time: time, &s)
            return
        }
        let rowsBefore = s.http.count + s.protocolRows.count
        while p.delivered < p.events.count {
            replay(p.events[p.delivered], c, &s)
            p.delivered += 1
        }
        if s.http.count + s.protocolRows.count > rowsBefore {
            c.probation = nil  // a whole exchange parsed: confirmed
            return
        }
        guard c.parseErrors > p.errorBase else {
            c.probation = p
            return
        }
        // An error before the first row: the guess was wrong.
        p.rejected.insert(c.protocolID)
        p.attempts += 1
        s.stats.parseErrors = max(0, s.stats.parseErrors - (c.parseErrors - p.errorBase))
        s.stats.unmatched = max(0, s.stats.unmatched - c.reportedUnmatched)
        c.resetParsers(configuration)
        p.errorBase = c.parseErrors
        p.delivered = 0
        guard p.attempts <= ProtocolDetector.maxAttempts else { giveUp(c); return }
        if let found = startTrials(&p) {
            adopt(found, c, &p, &s)
        } else if p.trials?.isEmpty == false {
            // Wait, unparsed, for the events that decide.
            c.userProtocol = Self.unknown
            c.protocolID = Self.unknown
            c.probation = p
        } else {
            giveUp(c)
        }
    }

    /// Runs fresh trials of the candidates not rejected over the kept events; returns a match.
    private func startTrials(_ p: inout ProtocolProbation) -> Int? {
        var trials = ProtocolDetector.trials(excluding: p.rejected, limits: ProtocolLimits(configuration))
        defer { p.trials = trials }
        for e in p.events {
            if let found = ProtocolDetector.step(&trials, e) { return found }
        }
        return nil
    }

    /// Makes `protocolID` the connection's protocol and parses the kept events with it.
    private func adopt(_ protocolID: Int, _ c: Connection, _ p: inout ProtocolProbation, _ s: inout State) {
        c.userProtocol = protocolID
        c.protocolID = protocolID
        s.stats.protocolCorrections += 1
        // The kernel ships no payload of a connection it could not classify: tell it.
        if c.kernelProtocol == Self.unknown && !c.encrypted {
            s.overrides.append(ProtocolOverride(key: c.key, protocolID: protocolID))
        }
        c.probation = nil
        for e in p.events { replay(e, c, &s) }
    }

    private func giveUp(_ c: Connection) {
        c.userProtocol = Self.none
        c.protocolID = Self.none
        c.probation = nil
    }

    private func replay(_ e: ProtocolDetector.Event, _ c: Connection, _ s: inout State) {
        e.bytes.withUnsafeBytes { parse(c, direction: e.direction, bytes: $0, gap: e.gap, time: e.time, &s) }
    }
}
