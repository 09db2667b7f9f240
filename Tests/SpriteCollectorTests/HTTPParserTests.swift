import Testing
@testable import SpriteCollector

/// Pure parser tests on byte streams: no root needed.
@Suite struct HTTPParserTests {
    static let keepAliveRequests = Array((
        "GET /a?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: t\r\n\r\n" +
        "POST /submit HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world" +
        "PATCH /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\nX-T: 1\r\n\r\n" +
        "OPTIONS * HTTP/1.0\r\n\r\n").utf8)

    static let responses = Array((
        "HTTP/1.1 100 Continue\r\n\r\n" +
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n{\"a\"}" +
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" +  // HEAD: no body follows
        "HTTP/1.1 204 No Content\r\n\r\n" +
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nnot f\r\n5\r\nound!\r\n0\r\n\r\n").utf8)

    func checkRequests(_ msgs: [HTTPMessage]) {
        #expect(msgs.map(\.method) == ["GET", "POST", "PATCH", "OPTIONS"])
        #expect(msgs.map(\.target) == ["/a?x=1", "/submit", "/p", "*"])
        #expect(msgs.map(\.bodySize) == [0, 11, 7, 0])
        #expect(msgs.map { String(decoding: $0.body, as: UTF8.self) } == ["", "hello world", "abcdefg", ""])
        #expect(msgs[0].headersJSON == #"{"Host":"h","User-Agent":"t"}"#)
        #expect(msgs[3].minor == 0)
    }

    @Test func requestsInOneFeed() {
        var p = HTTPParser(mode: .requests, bodyLimit: 100)
        let msgs = p.feed(Self.keepAliveRequests, timestamp: 1)
        checkRequests(msgs)
        #expect(p.errors == 0)
        #expect(p.isIdle)
    }

    @Test func requestsSplitAtEveryPosition() {
        for split in 1..<Self.keepAliveRequests.count {
            var p = HTTPParser(mode: .requests, bodyLimit: 100)
            var msgs = p.feed(Array(Self.keepAliveRequests[..<split]), timestamp: 1)
            msgs += p.feed(Array(Self.keepAliveRequests[split...]), timestamp: 2)
            checkRequests(msgs)
            #expect(p.errors == 0, "split at \(split)")
        }
    }

    @Test func requestsByteByByte() {
        var p = HTTPParser(mode: .requests, bodyLimit: 100)
        var msgs: [HTTPMessage] = []
        for (i, b) in Self.keepAliveRequests.enumerated() { msgs += p.feed([b], timestamp: UInt64(i)) }
        checkRequests(msgs)
        // Timestamps: first byte of the GET, last byte of it.
        #expect(msgs[0].startTime == 0)
        #expect(msgs[0].endTime == UInt64("GET /a?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: t\r\n\r\n".utf8.count - 1))
    }

    @Test func responsesWithInterimHeadAndChunked() {
        for split in 1..<Self.responses.count {
            var p = HTTPParser(mode: .responses, bodyLimit: 100)
            p.setPendingMethods(["GET", "HEAD", "DELETE", "GET"])
            var msgs = p.feed(Array(Self.responses[..<split]), timestamp: 1)
            // The caller refreshes the pending methods between feeds; nothing was matched yet.
            p.setPendingMethods(["GET", "HEAD", "DELETE", "GET"].dropFirst(msgs.filter { $0.status >= 200 }.count).map { $0 })
            msgs += p.feed(Array(Self.responses[split...]), timestamp: 2)
            #expect(msgs.map(\.status) == [100, 200, 200, 204, 404], "split at \(split)")
            #expect(msgs.map(\.bodySize) == [0, 5, 0, 0, 10], "split at \(split)")
            #expect(msgs.last.map { String(decoding: $0.body, as: UTF8.self) } == "not found!")
            #expect(p.errors == 0)
        }
    }

    @Test func bodyTruncatedToLimitKeepsSize() {
        var p = HTTPParser(mode: .responses, bodyLimit: 4)
        let msgs = p.feed(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789".utf8), timestamp: 1)
        #expect(msgs.count == 1)
        #expect(msgs[0].body == Array("0123".utf8))
        #expect(msgs[0].bodySize == 10)
        #expect(msgs[0].bodyTruncated)
    }

    @Test func gapInsideBodyIsAbsorbed() {
        var p = HTTPParser(mode: .responses, bodyLimit: 100)
        var msgs = p.feed(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n012".utf8), timestamp: 1)
        msgs += p.skip(5, timestamp: 2)
        msgs += p.feed(Array("89HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n".utf8), timestamp: 3)
        #expect(msgs.map(\.status) == [200, 201])
        #expect(msgs[0].bodySize == 10)
        #expect(msgs[0].body == Array("01289".utf8))
        #expect(p.errors == 0)
    }

    @Test func untilCloseBodyCompletesOnFinish() {
        var p = HTTPParser(mode: .responses, bodyLimit: 100)
        p.setPendingMethods(["GET"])
        #expect(p.feed(Array("HTTP/1.0 200 OK\r\n\r\nstream".utf8), timestamp: 1).isEmpty)
        let msgs = p.finish(timestamp: 5)
        #expect(msgs.count == 1)
        #expect(msgs[0].bodySize == 6)
        #expect(msgs[0].endTime == 5)
    }

    @Test func garbageResynchronisesAtNextMessage() {
        var p = HTTPParser(mode: .requests, bodyLimit: 100)
        #expect(p.feed([0xff, 0x00, 0x13, 0x37, 0x41, 0x42, 0x43, 0x44, 0x45], timestamp: 1).isEmpty)
        #expect(p.errors == 1)
        #expect(p.feed(Array("more garbage\r\n\r\n".utf8), timestamp: 2).isEmpty)
        let msgs = p.feed(Array("GET /ok HTTP/1.1\r\n\r\n".utf8), timestamp: 3)
        #expect(msgs.map(\.target) == ["/ok"])
        #expect(p.errors == 1)
    }

    @Test func malformedInputsNeverCrash() {
        let cases = [
            "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
            "GET / HTTP/9\r\n\r\n",
            "GET /\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon here\r\n\r\n",
            "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY",
        ]
        for c in cases {
            var p = HTTPParser(mode: .requests, bodyLimit: 10)
            let msgs = p.feed(Array(c.utf8), timestamp: 1)
            #expect(msgs.isEmpty, "\(c)")
            #expect(p.errors == 1, "\(c)")
        }
        var r = HTTPParser(mode: .responses, bodyLimit: 10)
        #expect(r.feed(Array("HTTP/1.1 2000 OK\r\n\r\n".utf8), timestamp: 1).isEmpty)
        #expect(r.errors == 1)
    }

    @Test func oversizedHeadIsDropped() {
        var p = HTTPParser(mode: .requests, bodyLimit: 10, maxHeaderBytes: 64)
        #expect(p.feed(Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100)).utf8), timestamp: 1).isEmpty)
        #expect(p.errors == 1)
    }

    @Test func gzipBodyIsInflatedForDisplay() {
        // gzip of "inflated text" (python: gzip.compress(b"inflated text", mtime=0)).
        let gz: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0xcc, 0x4b, 0xcb, 0x49, 0x2c,
                           0x49, 0x4d, 0x51, 0x28, 0x49, 0xad, 0x28, 0x01, 0x00, 0xfb, 0xe2, 0x2c, 0xc6, 0x0d, 0x00, 0x00, 0x00]
        var m = HTTPMessage(kind: .response)
        m.headers = [("Content-Encoding", "gzip")]
        m.body = gz
        m.bodySize = gz.count
        #expect(EventProcessor.bodyText(m, limit: 100) == "inflated text")
        #expect(EventProcessor.bodyText(m, limit: 8) == "inflated")
    }

    @Test func reassemblerOrdersByPosition() {
        var r = StreamReassembler(maxPending: 2)
        #expect(r.isNext(100))
        r.advance(from: 100, length: 3)
        #expect(r.isNext(103))
        #expect(r.isStale(101))
        #expect(r.hold(position: 106, bytes: [6], length: 1, timestamp: 2).isEmpty)
        #expect(r.hold(position: 103, bytes: [3, 4, 5], length: 3, timestamp: 1).isEmpty)
        let pieces = r.flush(force: false)
        let bytes = pieces.flatMap { p -> [UInt8] in if case .bytes(let b, _) = p { return b } else { return [] } }
        #expect(bytes == [3, 4, 5, 6])
        #expect(r.next == 107)
        // A hole that never fills becomes a gap once too many events wait.
        _ = r.hold(position: 110, bytes: [1], length: 1, timestamp: 3)
        _ = r.hold(position: 111, bytes: [2], length: 1, timestamp: 3)
        let forced = r.hold(position: 112, bytes: [3], length: 1, timestamp: 3)
        guard case .gap(let n, _) = forced.first else { Issue.record("expected a gap"); return }
        #expect(n == 3)
        #expect(r.next == 113)
    }
}
