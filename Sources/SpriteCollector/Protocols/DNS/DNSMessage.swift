/// A decoded DNS message (RFC 1035): header, questions and the answer section.
struct DNSMessage: Sendable, Equatable {
    struct Record: Sendable, Equatable {
        var name: String
        var type: Int
        /// A/AAAA address, CNAME target, or empty for other types.
        var data: String
    }

    var txid: Int
    var flags: Int
    var counts: (queries: Int, answers: Int, auth: Int, additional: Int)
    var questions: [Record]
    var answers: [Record]

    static func == (a: DNSMessage, b: DNSMessage) -> Bool {
        a.txid == b.txid && a.flags == b.flags && a.counts == b.counts && a.questions == b.questions && a.answers == b.answers
    }

    var isResponse: Bool { flags & 0x8000 != 0 }

    /// The header as Pixie's JSON object.
    var headerJSON: String {
        func bit(_ shift: Int) -> Int { flags >> shift & 1 }
        return "{\"txid\":\(txid),\"qr\":\(bit(15)),\"opcode\":\(flags >> 11 & 15),\"aa\":\(bit(10)),\"tc\":\(bit(9)),"
            + "\"rd\":\(bit(8)),\"ra\":\(bit(7)),\"ad\":\(bit(5)),\"cd\":\(bit(4)),\"rcode\":\(flags & 15),"
            + "\"num_queries\":\(counts.queries),\"num_answers\":\(counts.answers),\"num_auth\":\(counts.auth),\"num_addl\":\(counts.additional)}"
    }

    /// `{"queries":[{"name":...,"type":...}]}`.
    var queriesJSON: String {
        "{\"queries\":[" + questions.map { "{\"name\":\(JSONText.quoted($0.name)),\"type\":\(JSONText.quoted(Self.typeName($0.type)))}" }
            .joined(separator: ",") + "]}"
    }

    /// `{"answers":[{"name":...,"type":"A","addr":...} | {"name":...,"type":"CNAME","cname":...}]}`.
    var answersJSON: String {
        "{\"answers\":[" + answers.map { a in
            let key = a.type == 5 ? "cname" : "addr"
            return "{\"name\":\(JSONText.quoted(a.name)),\"type\":\(JSONText.quoted(Self.typeName(a.type))),\"\(key)\":\(JSONText.quoted(a.data))}"
        }.joined(separator: ",") + "]}"
    }

    static func typeName(_ t: Int) -> String {
        switch t {
        case 1: "A"
        case 2: "NS"
        case 5: "CNAME"
        case 6: "SOA"
        case 12: "PTR"
        case 15: "MX"
        case 16: "TXT"
        case 28: "AAAA"
        case 33: "SRV"
        case 41: "OPT"
        case 65: "HTTPS"
        default: "TYPE\(t)"
        }
    }

    /// Parses a whole message from `b`; returns it and its length, or nil when `b` does not hold a
    /// well-formed message (a truncated one included).
    static func parse(_ b: UnsafeRawBufferPointer) -> (DNSMessage, Int)? {
        guard b.count >= 12 else { return nil }
        func u16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        let counts = (u16(4), u16(6), u16(8), u16(10))
        guard counts.0 <= 64, counts.1 + counts.2 + counts.3 <= 1024 else { return nil }
        var at = 12
        var questions: [Record] = []
        for _ in 0..<counts.0 {
            guard let (name, next) = readName(b, at), next + 4 <= b.count else { return nil }
            questions.append(Record(name: name, type: u16(next), data: ""))
            at = next + 4
        }
        var answers: [Record] = []
        for i in 0..<(counts.1 + counts.2 + counts.3) {
            guard let (name, next) = readName(b, at), next + 10 <= b.count else { return nil }
            let type = u16(next)
            let length = u16(next + 8)
            let data = next + 10
            guard data + length <= b.count else { return nil }
            if i < counts.1 {
                var text = ""
                if type == 1 && length == 4 {
                    text = (0..<4).map { String(b[data + $0]) }.joined(separator: ".")
                } else if type == 28 && length == 16 {
                    text = IPAddress.format(family: 10, bytes: Array(UnsafeRawBufferPointer(rebasing: b[data..<(data + 16)])))
                } else if type == 5, let (target, _) = readName(b, data) {
                    text = target
                }
                answers.append(Record(name: name, type: type, data: text))
            }
            at = data + length
        }
        return (DNSMessage(txid: u16(0), flags: u16(2), counts: counts, questions: questions, answers: answers), at)
    }

    /// A possibly compressed domain name at `at`: the name (no trailing dot) and the offset after it.
    static func readName(_ b: UnsafeRawBufferPointer, _ start: Int) -> (String, Int)? {
        var labels: [String] = []
        var at = start
        var end: Int?
        var jumps = 0
        var total = 0
        while true {
            guard at < b.count else { return nil }
            let len = Int(b[at])
            if len == 0 {
                return (labels.joined(separator: "."), end ?? at + 1)
            }
            if len & 0xC0 == 0xC0 {
                guard at + 1 < b.count, jumps < 16 else { return nil }
                if end == nil { end = at + 2 }
                at = (len & 0x3F) << 8 | Int(b[at + 1])
                jumps += 1
                continue
            }
            guard len & 0xC0 == 0, at + 1 + len <= b.count else { return nil }
            total += len + 1
            guard total <= 255 else { return nil }
            labels.append(String(decoding: UnsafeRawBufferPointer(rebasing: b[(at + 1)..<(at + 1 + len)]), as: UTF8.self))
            at += 1 + len
        }
    }
}

/// Cuts DNS messages from a stream: TCP's two-byte length prefix, or bare messages one after
/// another (UDP datagrams, or a TCP stream whose first length was read before tracing started).
/// The framing is chosen at the first message.
struct DNSParser: FrameParser {
    enum Framing { case unknown, lengthPrefixed, bare }
    var framing = Framing.unknown

    mutating func parse(_ b: UnsafeRawBufferPointer) -> FrameParse<DNSMessage> {
        guard b.count >= 2 else { return .needMore(payloadUntil: nil) }
        if framing == .unknown {
            let length = Int(b[0]) << 8 | Int(b[1])
            if length >= 12, b.count >= 2 + length, let (_, n) = DNSMessage.parse(UnsafeRawBufferPointer(rebasing: b[2..<(2 + length)])), n == length {
                framing = .lengthPrefixed
            } else if let (_, n) = DNSMessage.parse(b), n == b.count || b.count < 2 + length {
                framing = .bare
            } else if b.count < 2 + length && length >= 12 && length <= 4096 {
                return .needMore(payloadUntil: nil)
            } else {
                return .invalid
            }
        }
        switch framing {
        case .lengthPrefixed:
            let length = Int(b[0]) << 8 | Int(b[1])
            guard length >= 12 else { return .invalid }
            guard b.count >= 2 + length else { return .needMore(payloadUntil: nil) }
            guard let (m, _) = DNSMessage.parse(UnsafeRawBufferPointer(rebasing: b[2..<(2 + length)])) else { return .invalid }
            return .frame(m, consumed: 2 + length)
        default:
            guard let (m, n) = DNSMessage.parse(b) else { return b.count < 512 ? .needMore(payloadUntil: nil) : .invalid }
            return .frame(m, consumed: n)
        }
    }

    func canResume(at b: UnsafeRawBufferPointer) -> Bool {
        b.count >= 12
    }
}
