/// An incremental HTTP/1.x parser for one direction of one connection.
///
/// Bytes arrive in stream order through ``feed(_:timestamp:)``; bytes known to exist but not
/// captured arrive through ``skip(_:timestamp:)`` and are absorbed when they fall inside a body.
/// Anything unparseable puts the parser into resynchronisation: buffered bytes are dropped and
/// parsing resumes at the next event that starts with a request line (or status line).
struct HTTPParser: Sendable {
    enum Mode: Sendable { case requests, responses }

    private enum State: Sendable, Equatable {
        case headers
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers
        case untilClose
        case resync
    }

    let mode: Mode
    let bodyLimit: Int
    let maxHeaderBytes: Int
    let maxBufferBytes: Int

    /// Which of the requests still waiting for responses, oldest first, are HEAD (bit i: the
    /// i-th; responses mode): a response to HEAD has no body. Set by the connection before feeding.
    private var pendingHeads: UInt64 = 0
    /// Messages that could not be parsed (each entry into resynchronisation counts once).
    private(set) var errors = 0

    private var buffer: [UInt8] = []
    private var start = 0
    private var headerScan = 0
    private var state: State = .headers
    private var current: HTTPMessage?
    private var bufferStartTime: UInt64 = 0
    private var finalResponses = 0

    init(mode: Mode, bodyLimit: Int, maxHeaderBytes: Int = 64 << 10, maxBufferBytes: Int = 1 << 20) {
        self.mode = mode
        self.bodyLimit = bodyLimit
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBufferBytes = maxBufferBytes
    }

    /// Whether the parser is between messages with nothing buffered.
    var isIdle: Bool { state == .headers && start == buffer.count }

    /// Sets which waiting requests (oldest first, at most 64) are HEAD, and resets the count of
    /// responses matched against them.
    mutating func setPendingHeads(_ mask: UInt64) {
        pendingHeads = mask
        // A final response whose head was parsed earlier but is still in progress owns the first.
        if let status = current?.status, status >= 200 || status < 100 { finalResponses = 1 } else { finalResponses = 0 }
    }

    /// ``setPendingHeads(_:)`` from the methods of the waiting requests, oldest first.
    mutating func setPendingMethods(_ methods: [String]) {
        var mask: UInt64 = 0
        for (i, m) in methods.prefix(64).enumerated() where m == "HEAD" { mask |= 1 << UInt64(i) }
        setPendingHeads(mask)
    }

    /// Feeds bytes that follow the previous ones; returns the messages they complete.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, timestamp: UInt64) -> [HTTPMessage] {
        if bytes.isEmpty { return [] }
        if state == .resync {
            guard Self.startsMessage(bytes, mode: mode) else { return [] }
            state = .headers
            buffer.removeAll(keepingCapacity: true)
            start = 0
            headerScan = 0
        }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
            headerScan = 0
            bufferStartTime = timestamp
        }
        buffer.append(contentsOf: bytes)
        var out: [HTTPMessage] = []
        run(timestamp: timestamp, into: &out)
        if start > 0 && (start == buffer.count || start > 4096) {
            buffer.removeFirst(start)
            headerScan = max(0, headerScan - start)
            start = 0
        }
        if buffer.count - start > maxBufferBytes { enterResync() }
        return out
    }

    /// Feeds bytes from an array (tests, reordered chunks).
    mutating func feed(_ bytes: [UInt8], timestamp: UInt64) -> [HTTPMessage] {
        bytes.withUnsafeBytes { feed($0, timestamp: timestamp) }
    }

    /// Accounts for `count` bytes that were transferred but not captured.
    mutating func skip(_ count: Int, timestamp: UInt64) -> [HTTPMessage] {
        guard count > 0 else { return [] }
        var out: [HTTPMessage] = []
        guard start == buffer.count, current != nil else { enterResync(); return out }
        switch state {
        case .fixed(let remaining) where count <= remaining:
            current!.bodySize += count
            current!.bodyTruncated = true
            state = .fixed(remaining: remaining - count)
            if remaining == count { complete(timestamp: timestamp, into: &out) }
        case .chunkData(let remaining) where count <= remaining:
            current!.bodySize += count
            current!.bodyTruncated = true
            state = remaining == count ? .chunkEnd : .chunkData(remaining: remaining - count)
        case .untilClose:
            current!.bodySize += count
            current!.bodyTruncated = true
        default:
            enterResync()
        }
        return out
    }

    /// The connection closed: completes a body delimited by the close.
    mutating func finish(timestamp: UInt64) -> [HTTPMessage] {
        var out: [HTTPMessage] = []
        if state == .untilClose, current != nil { complete(timestamp: timestamp, into: &out) }
        return out
    }

    // MARK: - Parsing

    private mutating func enterResync() {
        if state != .resync { errors += 1 }
        state = .resync
        current = nil
        buffer.removeAll(keepingCapacity: true)
        start = 0
        headerScan = 0
    }

    private mutating func run(timestamp: UInt64, into out: inout [HTTPMessage]) {
        while true {
            switch state {
            case .resync:
                return
            case .headers:
                guard parseHead(timestamp: timestamp, into: &out) else { return }
            case .fixed(let remaining):
                let n = min(remaining, buffer.count - start)
                if n == 0 && remaining > 0 { return }
                takeBody(n)
                state = .fixed(remaining: remaining - n)
                if remaining - n == 0 { complete(timestamp: timestamp, into: &out) } else { return }
            case .chunkSize:
                guard let eol = findCRLF(from: start) else {
                    if buffer.count - start > 1024 { enterResync() }
                    return
                }
                guard let size = Self.chunkSize(buffer[start..<eol]) else { enterResync(); return }
                start = eol + 2
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let n = min(remaining, buffer.count - start)
                if n == 0 { return }
                takeBody(n)
                state = remaining - n == 0 ? .chunkEnd : .chunkData(remaining: remaining - n)
            case .chunkEnd:
                guard buffer.count - start >= 2 else { return }
                guard buffer[start] == 13 && buffer[start + 1] == 10 else { enterResync(); return }
                start += 2
                state = .chunkSize
            case .trailers:
                guard let eol = findCRLF(from: start) else {
                    if buffer.count - start > maxHeaderBytes { enterResync() }
                    return
                }
                let empty = eol == start
                start = eol + 2
                if empty { complete(timestamp: timestamp, into: &out) }
            case .untilClose:
                takeBody(buffer.count - start)
                return
            }
        }
    }

    private mutating func takeBody(_ n: Int) {
        guard n > 0 else { return }
        let room = max(0, bodyLimit - current!.body.count)
        if room > 0 { current!.body.append(contentsOf: buffer[start..<(start + min(room, n))]) }
        if n > room { current!.bodyTruncated = true }
        current!.bodySize += n
        start += n
    }

    private mutating func complete(timestamp: UInt64, into out: inout [HTTPMessage]) {
        guard var m = current.take() else { return }
        m.endTime = timestamp
        out.append(consume m)
        state = .headers
        if start < buffer.count { bufferStartTime = timestamp }
    }

    private func findCRLF(from: Int) -> Int? {
        var i = from
        let end = buffer.count - 1
        while i < end {
            if buffer[i] == 13 && buffer[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// Parses a start line and headers if they are complete; returns false when more bytes are needed.
    private mutating func parseHead(timestamp: UInt64, into out: inout [HTTPMessage]) -> Bool {
        let available = buffer.count - start
        if available == 0 { return false }
        // Reject garbage early rather than buffering it.
        let probe = min(available, 8)
        let ok = buffer.withUnsafeBytes { raw in
            Self.startsMessage(UnsafeRawBufferPointer(rebasing: raw[start..<(start + probe)]), mode: mode, partial: true)
        }
        if !ok { enterResync(); return false }
        // Find the blank line ending the head.
        let from = max(start, headerScan)
        let headEnd: Int? = buffer.withUnsafeBufferPointer { b in
            var i = from
            while i + 3 < b.count {
                // A CRLFCRLF starting at i...i+3 covers b[i+3] with a CR or LF: skip 4 when it is neither.
                if b[i + 3] > 13 { i += 4; continue }
                if b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
                i += 1
            }
            return nil
        }
        guard let end = headEnd else {
            headerScan = max(start, buffer.count - 3)
            if available > maxHeaderBytes { enterResync() }
            return false
        }
        headerScan = 0
        let startTime = bufferStartTime
        guard var message = parseHeadLines(Array(buffer[start..<end])) else { enterResync(); return false }
        message.startTime = startTime
        start = end + 4
        // Body framing.
        let chunked = message.header("transfer-encoding", contains: "chunked")
        var length: Int?? = nil
        if let i = message.fieldIndex("content-length") { length = .some(Self.decimal(message, field: i)) }
        let status = message.status
        current = consume message
        if case .some(.none) = length { enterResync(); return false }
        switch mode {
        case .requests:
            if chunked { state = .chunkSize }
            else if let n = length ?? 0, n > 0 { state = .fixed(remaining: n) }
            else { complete(timestamp: timestamp, into: &out) }
        case .responses:
            let interim = status >= 100 && status < 200
            var isHead = false
            if !interim {
                if finalResponses < 64 { isHead = pendingHeads & (1 << UInt64(finalResponses)) != 0 }
                finalResponses += 1
            }
            if interim || isHead || status == 204 || status == 304 { complete(timestamp: timestamp, into: &out) }
            else if chunked { state = .chunkSize }
            else if let n = length ?? nil { if n > 0 { state = .fixed(remaining: n) } else { complete(timestamp: timestamp, into: &out) } }
            else { state = .untilClose; takeBody(buffer.count - start) }
        }
        return true
    }

    /// Locates the start line's parts and the header fields of `head` (no allocation per field).
    private func parseHeadLines(_ head: [UInt8]) -> HTTPMessage? {
        head.withUnsafeBufferPointer { h -> HTTPMessage? in
            let n = h.count
            var lineEnd = 0
            while lineEnd + 1 < n && !(h[lineEnd] == 13 && h[lineEnd + 1] == 10) { lineEnd += 1 }
            if lineEnd + 1 >= n { lineEnd = n }
            // Start line: up to two separating spaces.
            var sp1 = 0
            while sp1 < lineEnd && h[sp1] != 32 { sp1 += 1 }
            guard sp1 < lineEnd else { return nil }
            var sp2 = sp1 + 1
            while sp2 < lineEnd && h[sp2] != 32 { sp2 += 1 }
            var word = 0..<0, target = 0..<0
            var status = 0
            let version: (Int, Int)
            switch mode {
            case .requests:
                guard sp2 < lineEnd, let v = Self.version(h, sp2 + 1..<lineEnd), Self.isMethod(h, 0..<sp1) else { return nil }
                version = v
                word = 0..<sp1
                target = sp1 + 1..<sp2
            case .responses:
                guard let v = Self.version(h, 0..<sp1), sp2 - sp1 - 1 == 3 else { return nil }
                version = v
                for i in sp1 + 1..<sp2 {
                    guard (48...57).contains(h[i]) else { return nil }
                    status = status * 10 + Int(h[i] - 48)
                }
                word = sp2 < lineEnd ? sp2 + 1..<lineEnd : lineEnd..<lineEnd
            }
            var fields: [HTTPMessage.Field] = []
            var i = lineEnd + 2
            while i < n {
                var end = i
                while end + 1 < n && !(h[end] == 13 && h[end + 1] == 10) { end += 1 }
                if end + 1 >= n { end = n }
                var colon = i
                while colon < end && h[colon] != 58 { colon += 1 }
                guard colon < end else { return nil }
                var vs = colon + 1, ve = end
                while vs < ve && (h[vs] == 32 || h[vs] == 9) { vs += 1 }
                while ve > vs && (h[ve - 1] == 32 || h[ve - 1] == 9) { ve -= 1 }
                if fields.isEmpty { fields.reserveCapacity(8) }
                fields.append(HTTPMessage.Field(nameStart: Int32(i), nameEnd: Int32(colon), valueStart: Int32(vs), valueEnd: Int32(ve)))
                i = end + 2
            }
            var m = HTTPMessage(kind: mode == .requests ? .request : .response, head: head, fields: fields, word: word, target: target)
            (m.major, m.minor) = version
            m.status = status
            return m
        }
    }

    static let methods: Set<String> = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE", "CONNECT"]
    private static let methodBytes: [[UInt8]] = methods.sorted().map { Array($0.utf8) }

    private static func isMethod(_ h: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        for m in methodBytes where m.count == r.count {
            var i = 0
            while i < m.count && h[r.lowerBound + i] == m[i] { i += 1 }
            if i == m.count { return true }
        }
        return false
    }

    /// `HTTP/d.d` at `r` as (major, minor).
    private static func version(_ h: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> (Int, Int)? {
        guard r.count == 8 else { return nil }
        let b = r.lowerBound
        guard h[b] == 72, h[b + 1] == 84, h[b + 2] == 84, h[b + 3] == 80, h[b + 4] == 47, h[b + 6] == 46,
              (48...57).contains(h[b + 5]), (48...57).contains(h[b + 7]) else { return nil }
        return (Int(h[b + 5] - 48), Int(h[b + 7] - 48))
    }

    /// The value of field `i` as a non-negative decimal, or nil when it is not one.
    private static func decimal(_ m: HTTPMessage, field i: Int) -> Int? {
        let f = m.fields[i]
        let r = Int(f.valueStart)..<Int(f.valueEnd)
        guard !r.isEmpty, r.count <= 18 else { return nil }
        return m.withBytes(r) { b in
            var v = 0
            for c in b {
                guard (48...57).contains(c) else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
    }

    private static func chunkSize(_ line: ArraySlice<UInt8>) -> Int? {
        var value = 0
        var digits = 0
        for c in line {
            let d: Int
            switch c {
            case 48...57: d = Int(c) - 48
            case 65...70: d = Int(c) - 55
            case 97...102: d = Int(c) - 87
            case 59, 32, 9: return digits > 0 ? value : nil  // extension or whitespace
            default: return nil
            }
            digits += 1
            if digits > 15 { return nil }
            value = value * 16 + d
        }
        return digits > 0 ? value : nil
    }

    /// Whether `bytes` can begin a message of this direction (a known method or `HTTP/1.`).
    /// With `partial`, a prefix of such a beginning also counts.
    static func startsMessage(_ bytes: UnsafeRawBufferPointer, mode: Mode, partial: Bool = false) -> Bool {
        for c in mode == .requests ? requestPrefixes : responsePrefixes {
            let n = min(c.count, bytes.count)
            if n < c.count && !partial { continue }
            var match = true
            for i in 0..<n where bytes[i] != c[i] { match = false; break }
            if match { return true }
        }
        return false
    }

    private static let requestPrefixes: [[UInt8]] = methods.sorted().map { Array(($0 + " ").utf8) }
    private static let responsePrefixes: [[UInt8]] = [Array("HTTP/1.".utf8)]
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
