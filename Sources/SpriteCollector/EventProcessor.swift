import CSpriteBPF
import Logging
import SpriteStore
import Synchronization

/// Turns ring-buffer events into rows: tracks connections, reassembles and parses their streams,
/// stitches requests to responses, and keeps `conn_stats` counters. Called on the poller thread
/// for every event and on the collector's task for periodic work; all state sits behind one mutex.
final class EventProcessor: @unchecked Sendable {
    struct State {
        var connections: [ConnectionKey: Connection] = [:]
        /// Traced UDP sockets carrying DNS (EventProcessor+Datagrams.swift).
        var datagramSockets: [ConnectionKey: DatagramSocket] = [:]
        var byFD: [UInt64: ConnectionKey] = [:]
        var connStats = ConnStatsAggregator()
        var http = RecordBatchBuilder(schema: Schemas.httpEvents, capacity: 256)
        var protocolRows = ProtocolRowWriter()
        var connRows = RecordBatchBuilder(schema: Schemas.connStats, capacity: 64)
        var stats = CollectorStats()
        /// Reused buffer for building JSON text.
        var scratch: [UInt8] = []
        /// `time_` of the last http_events row.
        var lastRowTime: Int64 = .min
        /// Traced processes and the ones not yet sampled for process_stats.
        var processes: [UInt32: UPID] = [:]
        var newProcesses: Set<UInt32> = []
        var exited: Set<UInt32> = []
        /// Processes that called execve since the last ``takeExecs()`` (TLS library discovery).
        var execs: [UInt32] = []
        /// Protocols user space decided for connections the kernel could not classify.
        var overrides: [ProtocolOverride] = []
    }

    let configuration: CollectorConfiguration
    let clocks: Clocks
    let logger: Logger
    private let lock = Mutex(())
    /// Guarded by `lock`: only touched inside ``withState(_:)``.
    private var state = State()
    private let nsPerTick: UInt64

    init(configuration: CollectorConfiguration, clocks: Clocks, logger: Logger) {
        self.configuration = configuration
        self.clocks = clocks
        self.logger = logger
        nsPerTick = UInt64(1_000_000_000 / max(1, ProcFS.ticksPerSecond))
    }

    private func withState<R>(_ body: (inout State) -> R) -> R {
        lock.withLock { _ in body(&self.state) }
    }

    // MARK: - Events

    /// Handles one raw ring-buffer event. Malformed events are counted and ignored.
    func handle(_ raw: UnsafeRawBufferPointer) {
        guard raw.count >= MemoryLayout<sprite_event_header>.size else { return }
        let header = raw.loadUnaligned(as: sprite_event_header.self)
        withState { s in
            s.stats.events += 1
            switch Int(header.kind) {
            case Int(SPRITE_EVENT_OPEN.rawValue):
                guard raw.count >= MemoryLayout<sprite_open_event>.size else { return }
                open(raw.loadUnaligned(as: sprite_open_event.self), &s)
            case Int(SPRITE_EVENT_DATA.rawValue):
                let size = MemoryLayout<sprite_data_header>.size
                guard raw.count >= size else { return }
                let d = raw.loadUnaligned(as: sprite_data_header.self)
                let captured = min(Int(d.captured), raw.count - size)
                data(d, UnsafeRawBufferPointer(rebasing: raw[size..<(size + captured)]), &s)
            case Int(SPRITE_EVENT_CLOSE.rawValue):
                guard raw.count >= MemoryLayout<sprite_close_event>.size else { return }
                let c = raw.loadUnaligned(as: sprite_close_event.self)
                close(key(c.hdr.conn), sent: c.bytes_sent, recv: c.bytes_recv, time: c.hdr.timestamp_ns, &s)
            case Int(SPRITE_EVENT_PROC_EXIT.rawValue):
                processExit(header.conn.tgid, time: header.timestamp_ns, &s)
            case Int(SPRITE_EVENT_DATAGRAM.rawValue):
                datagram(raw, &s)
            case Int(SPRITE_EVENT_EXEC.rawValue):
                if s.execs.count < 65_536 { s.execs.append(header.conn.tgid) }
            default:
                break
            }
        }
    }

    private func key(_ id: sprite_conn_id) -> ConnectionKey {
        ConnectionKey(tgid: id.tgid, fd: id.fd, generation: id.generation)
    }

    func upid(_ id: sprite_conn_id) -> UPID {
        UPID(asid: configuration.asid, pid: id.tgid, startTimeTicks: id.proc_start_ns / nsPerTick)
    }

    private func open(_ ev: sprite_open_event, _ s: inout State) {
        let k = key(ev.hdr.conn)
        let fdKey = UInt64(k.tgid) << 32 | UInt64(k.fd)
        // A connection on the same fd whose close we never saw is over.
        if let old = s.byFD[fdKey], old != k {
            close(old, sent: nil, recv: nil, time: ev.hdr.timestamp_ns, &s)
        }
        let c = connection(k, upid: upid(ev.hdr.conn), role: Int(ev.role), time: ev.hdr.timestamp_ns, &s)
        c.family = Int(ev.family)
        c.remoteAddr = IPAddress.format(family: c.family, bytes: withUnsafeBytes(of: ev.remote_addr) { Array($0) })
        c.localAddr = IPAddress.format(family: c.family, bytes: withUnsafeBytes(of: ev.local_addr) { Array($0) })
        c.remotePort = Int(ev.remote_port)
        c.localPort = Int(ev.local_port)
        let comm = withUnsafeBytes(of: ev.comm) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        configuration.processDirectory.record(c.upid, executable: comm)
        s.connStats.opened(c)
        s.stats.connectionsOpened += 1
    }

    private func connection(_ k: ConnectionKey, upid: UPID, role: Int, time: UInt64, _ s: inout State) -> Connection {
        if let c = s.connections[k] { return c }
        if s.connections.count >= configuration.maxConnections { evictIdle(&s, keep: configuration.maxConnections * 7 / 8) }
        let c = Connection(key: k, upid: upid, role: role, now: time, configuration: configuration)
        s.connections[k] = c
        s.byFD[UInt64(k.tgid) << 32 | UInt64(k.fd)] = k
        if s.processes[k.tgid] == nil {
            s.processes[k.tgid] = upid
            s.newProcesses.insert(k.tgid)
        }
        return c
    }

    private func data(_ d: sprite_data_header, _ payload: UnsafeRawBufferPointer, _ s: inout State) {
        let k = key(d.hdr.conn)
        let c: Connection
        if let existing = s.connections[k] {
            c = existing
        } else {
            // The open event was lost: track the connection without its addresses.
            c = connection(k, upid: upid(d.hdr.conn), role: Int(d.role), time: d.hdr.timestamp_ns, &s)
            s.connStats.opened(c)
            s.stats.connectionsOpened += 1
        }
        s.stats.eventBytes += payload.count
        // Tracked without connect/accept: the kernel decided the role from the first message.
        if c.role == 0 && d.role != 0 {
            s.connStats.changeRole(c, to: Int(d.role))
            c.role = Int(d.role)
        }
        c.lastActivity = d.hdr.timestamp_ns
        if d.syscall & UInt16(SPRITE_SOURCE_TLS) != 0 && !c.encrypted { c.startTLSPlaintext(configuration) }
        c.observeKernelProtocol(Int(d.protocol))
        let direction = Int(d.direction)
        let end = d.position + UInt64(d.length)
        if direction == 0 { c.bytesSent = max(c.bytesSent, end) } else { c.bytesRecv = max(c.bytesRecv, end) }
        var stream = direction == 0 ? c.egress : c.ingress
        defer { if direction == 0 { c.egress = stream } else { c.ingress = stream } }
        if stream.isStale(d.position) { return }
        if stream.isNext(d.position) {
            stream.advance(from: d.position, length: Int(d.length))
            deliver(c, direction: direction, bytes: payload, gap: Int(d.length) - payload.count, time: d.hdr.timestamp_ns, &s)
            if stream.hasPending {
                for piece in stream.flush(force: false) { deliver(c, direction: direction, piece: piece, &s) }
            }
        } else {
            let gapBefore = stream.gapBytes
            for piece in stream.hold(position: d.position, bytes: Array(payload), length: Int(d.length), timestamp: d.hdr.timestamp_ns) {
                deliver(c, direction: direction, piece: piece, &s)
            }
            s.stats.gapBytes += stream.gapBytes - gapBefore
        }
    }

    private func deliver(_ c: Connection, direction: Int, piece: StreamReassembler.Piece, _ s: inout State) {
        switch piece {
        case .bytes(let b, let t):
            b.withUnsafeBytes { deliver(c, direction: direction, bytes: $0, gap: 0, time: t, &s) }
        case .gap(let n, let t):
            deliver(c, direction: direction, bytes: UnsafeRawBufferPointer(start: nil, count: 0), gap: n, time: t, &s)
        }
    }

    private func deliver(_ c: Connection, direction: Int, bytes: UnsafeRawBufferPointer, gap: Int, time: UInt64, _ s: inout State) {
        if gap > 0 { s.stats.gapBytes += gap }
        if c.probation != nil {
            probe(c, direction: direction, bytes: bytes, gap: gap, time: time, &s)
        } else {
            parse(c, direction: direction, bytes: bytes, gap: gap, time: time, &s)
        }
    }

    /// Hands bytes to the connection's parser: HTTP/1.x or its protocol session.
    func parse(_ c: Connection, direction: Int, bytes: UnsafeRawBufferPointer, gap: Int, time: UInt64, _ s: inout State) {
        if c.protocolID != Int(SPRITE_PROTO_HTTP.rawValue) {
            deliverToSession(c, direction: direction, bytes: bytes, gap: gap, time: time, rows: &s.protocolRows, stats: &s.stats)
            return
        }
        if c.carriesRequests(direction: direction) {
            var msgs = c.requests.feed(bytes, timestamp: time)
            if gap > 0 { msgs += c.requests.skip(gap, timestamp: time) }
            // Moved out one by one (popLast hands over ownership): no copy of the messages' arrays.
            msgs.reverse()
            while let m = msgs.popLast() { c.pending.append(m) }
            // Requests that can no longer be answered in time: the oldest go first.
            while c.pendingCount > configuration.maxPendingRequests {
                _ = c.popRequest()
                s.stats.unmatched += 1
            }
        } else {
            c.responses.setPendingHeads(c.pendingHeadMask())
            var msgs = c.responses.feed(bytes, timestamp: time)
            if gap > 0 { msgs += c.responses.skip(gap, timestamp: time) }
            for m in msgs { matchResponse(m, c, &s) }
        }
        let errors = c.parseErrors
        if errors != c.reportedErrors {
            s.stats.parseErrors += errors - c.reportedErrors
            c.reportedErrors = errors
        }
    }

    private func matchResponse(_ response: HTTPMessage, _ c: Connection, _ s: inout State) {
        if response.status >= 100 && response.status < 200 && response.status != 101 { return }
        guard let request = c.popRequest() else {
            s.stats.unmatched += 1
            return
        }
        appendHTTPRow(request: request, response: response, c, &s)
    }

    private func appendHTTPRow(request: HTTPMessage, response: HTTPMessage, _ c: Connection, _ s: inout State) {
        let b = configuration.bodyLimit
        s.http.append(Self.rowTime(clocks.wallClock(response.endTime), &s), to: 0)
        s.http.append(c.upid.value, to: 1)
        s.http.append(c.remoteAddr, to: 2)
        s.http.append(Int64(c.remotePort), to: 3)
        s.http.append(c.localAddr, to: 4)
        s.http.append(Int64(c.localPort), to: 5)
        s.http.append(Int64(c.role), to: 6)
        s.http.append(c.encrypted, to: 7)
        s.http.append(Int64(response.major), to: 8)
        s.http.append(Int64(response.minor), to: 9)
        let contentType: Int64 = response.header("content-type", contains: "grpc") ? 2
            : response.header("content-type", contains: "json") ? 1 : 0
        s.http.append(contentType, to: 10)
        Self.appendHeadersJSON(request, column: 11, &s)
        request.withBytes(request.word) { Self.appendText($0, column: 12, &s) }
        request.withBytes(request.targetRange) { Self.appendText($0, column: 13, &s) }
        Self.appendBody(request, limit: b, column: 14, &s)
        s.http.append(Int64(request.bodySize), to: 15)
        Self.appendHeadersJSON(response, column: 16, &s)
        s.http.append(Int64(response.status), to: 17)
        response.withBytes(response.word) { Self.appendText($0, column: 18, &s) }
        Self.appendBody(response, limit: b, column: 19, &s)
        s.http.append(Int64(response.bodySize), to: 20)
        s.http.append(Int64(response.endTime >= request.startTime ? response.endTime - request.startTime : 0), to: 21)
        s.http.finishRow()
    }

    /// Largest backwards step of `time_` smoothed out between consecutive rows (1 ms).
    static let reorderWindow: Int64 = 1_000_000

    /// The row time, kept non-decreasing across rows when it is at most ``reorderWindow`` behind
    /// the previous row. Events reach the ring buffer in commit order, which across CPUs can
    /// differ from timestamp order by the time one event takes to copy its payload (typically
    /// under a microsecond); a batch out of time order would have to be sorted, every column
    /// gathered, when the table appends it. Larger inversions keep their exact time.
    private static func rowTime(_ t: Int64, _ s: inout State) -> Int64 {
        if t < s.lastRowTime && s.lastRowTime - t <= reorderWindow { return s.lastRowTime }
        s.lastRowTime = t
        return t
    }

    private static func appendHeadersJSON(_ m: HTTPMessage, column: Int, _ s: inout State) {
        s.scratch.removeAll(keepingCapacity: true)
        m.writeHeadersJSON(into: &s.scratch)
        s.scratch.withUnsafeBufferPointer { s.http.append(utf8: $0, to: column) }
    }

    /// Appends bytes as a string: copied as they are when ASCII, otherwise decoded (invalid
    /// UTF-8 becomes U+FFFD) so the column only ever holds valid UTF-8.
    private static func appendText(_ bytes: UnsafeBufferPointer<UInt8>, column: Int, _ s: inout State) {
        var ascii = true
        for c in bytes where c >= 0x80 { ascii = false; break }
        if ascii {
            s.http.append(utf8: bytes, to: column)
        } else {
            s.http.append(String(decoding: bytes, as: UTF8.self), to: column)
        }
    }

    private static func appendBody(_ m: HTTPMessage, limit: Int, column: Int, _ s: inout State) {
        if m.body.isEmpty {
            s.http.append(utf8: UnsafeBufferPointer(start: nil, count: 0), to: column)
        } else if m.header("content-encoding", equals: "gzip") || m.header("content-encoding", equals: "deflate") {
            s.http.append(bodyText(m, limit: limit), to: column)
        } else {
            m.body.withUnsafeBufferPointer { appendText($0, column: column, &s) }
        }
    }

    /// The body as text: gzip/deflate inflated when it was captured whole.
    static func bodyText(_ m: HTTPMessage, limit: Int) -> String {
        var body = m.body
        if !m.bodyTruncated, m.header("content-encoding", equals: "gzip") || m.header("content-encoding", equals: "deflate"),
           let inflated = Gzip.inflate(body, limit: limit) {
            body = inflated
        }
        return String(decoding: body, as: UTF8.self)
    }

    private func close(_ k: ConnectionKey, sent: UInt64?, recv: UInt64?, time: UInt64, _ s: inout State) {
        guard let c = s.connections.removeValue(forKey: k) else {
            closeDatagramSocket(k, &s)
            return
        }
        let fdKey = UInt64(k.tgid) << 32 | UInt64(k.fd)
        if s.byFD[fdKey] == k { s.byFD.removeValue(forKey: fdKey) }
        if let sent { c.bytesSent = max(c.bytesSent, sent) }
        if let recv { c.bytesRecv = max(c.bytesRecv, recv) }
        // Bytes still waiting behind a hole can no longer be completed.
        for (direction, var stream) in [(0, c.egress), (1, c.ingress)] where stream.hasPending {
            for piece in stream.flush(force: true) { deliver(c, direction: direction, piece: piece, &s) }
        }
        for m in c.responses.finish(timestamp: time) { matchResponse(m, c, &s) }
        finishSession(c, time: time, rows: &s.protocolRows, stats: &s.stats)
        s.stats.unmatched += c.pendingCount
        s.connStats.closed(c)
        s.stats.connectionsClosed += 1
        s.connStats.appendRow(ConnStatsAggregator.key(of: c), time: clocks.wallClock(time), connections: s.connections, to: &s.connRows)
    }

    private func processExit(_ tgid: UInt32, time: UInt64, _ s: inout State) {
        let keys = s.connections.keys.filter { $0.tgid == tgid }
        for k in keys { close(k, sent: nil, recv: nil, time: time, &s) }
        for k in s.datagramSockets.keys where k.tgid == tgid { closeDatagramSocket(k, &s) }
        s.processes.removeValue(forKey: tgid)
        s.newProcesses.remove(tgid)
        s.exited.insert(tgid)
    }

    private func evictIdle(_ s: inout State, keep: Int) {
        let victims = s.connections.values.sorted { $0.lastActivity < $1.lastActivity }.prefix(max(0, s.connections.count - keep))
        let now = victims.last?.lastActivity ?? 0
        for c in victims { close(c.key, sent: nil, recv: nil, time: now, &s) }
    }

    // MARK: - Periodic work

    /// Finished `http_events` and `conn_stats` rows, handed out for appending.
    func takeBatches() -> [RecordBatch] {
        withState { s in
            var out: [RecordBatch] = []
            if s.http.count > 0 {
                // Start the next batch with room for as many rows, so appends never regrow.
                let rows = s.http.count
                out.append(s.http.finish())
                s.http = RecordBatchBuilder(schema: Schemas.httpEvents, capacity: max(256, rows))
            }
            out += s.protocolRows.finish()
            if s.connRows.count > 0 { out.append(s.connRows.finish()) }
            return out
        }
    }

    /// Applies the kernel's byte counters and writes a `conn_stats` row for every endpoint.
    func sampleConnStats(kernelBytes: [ConnectionKey: (sent: UInt64, recv: UInt64)], now: Int64) {
        withState { s in
            for (k, v) in kernelBytes {
                if let c = s.connections[k] {
                    c.bytesSent = max(c.bytesSent, v.sent)
                    c.bytesRecv = max(c.bytesRecv, v.recv)
                }
            }
            s.connStats.appendAll(time: now, connections: s.connections, to: &s.connRows)
        }
    }

    /// Drops connections without events for the idle expiry.
    func expireIdle(nowMonotonic: UInt64) {
        let limit = UInt64(configuration.idleExpiry.components.seconds) * 1_000_000_000
        withState { s in
            let idle = s.connections.values.filter { nowMonotonic > $0.lastActivity && nowMonotonic - $0.lastActivity > limit }.map(\.key)
            for k in idle { close(k, sent: nil, recv: nil, time: nowMonotonic, &s) }
            expireDatagramSockets(now: nowMonotonic, idleLimit: limit, &s)
        }
    }

    /// Processes to sample: all traced ones, or only those not sampled yet.
    func processesToSample(all: Bool) -> [UInt32: UPID] {
        withState { s in
            let pids = all ? Set(s.processes.keys) : s.newProcesses
            s.newProcesses.removeAll()
            var out: [UInt32: UPID] = [:]
            for p in pids { out[p] = s.processes[p] }
            return out
        }
    }

    /// Processes that exited since the last call (their kernel entries can go).
    func takeExited() -> Set<UInt32> {
        withState { s in
            let e = s.exited
            s.exited.removeAll()
            return e
        }
    }

    /// Processes that called execve since the last call.
    func takeExecs() -> [UInt32] {
        withState { s in
            guard !s.execs.isEmpty else { return [] }
            let e = s.execs
            s.execs.removeAll()
            return e
        }
    }

    /// Protocol decisions for the kernel since the last call.
    func takeOverrides() -> [ProtocolOverride] {
        withState { s in
            guard !s.overrides.isEmpty else { return [] }
            defer { s.overrides.removeAll() }
            return s.overrides
        }
    }

    /// Forgets a process that is gone.
    func forgetProcess(_ pid: UInt32) {
        withState { s in _ = s.processes.removeValue(forKey: pid) }
    }

    func updateStats(_ body: (inout CollectorStats) -> Void) {
        withState { s in body(&s.stats) }
    }

    var stats: CollectorStats {
        withState { s in
            var st = s.stats
            st.connections = s.connections.count
            return st
        }
    }
}
