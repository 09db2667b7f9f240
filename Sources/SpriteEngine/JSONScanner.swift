/// A minimal reader of JSON objects for `px.pluck`: finds a top-level key's value without
/// building a document.
enum JSONScanner {
    /// The raw bytes of the value of `key` in the top-level object `json`, or `nil`.
    static func value(of key: UnsafeBufferPointer<UInt8>, in json: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var i = skipSpace(json, 0)
        guard i < json.count, json[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        while true {
            i = skipSpace(json, i)
            guard i < json.count, json[i] == UInt8(ascii: "\"") else { return nil }
            let keyEnd = skipString(json, i)
            guard keyEnd <= json.count else { return nil }
            let matches = rawEquals(json, (i + 1)..<(keyEnd - 1), key)
            i = skipSpace(json, keyEnd)
            guard i < json.count, json[i] == UInt8(ascii: ":") else { return nil }
            i = skipSpace(json, i + 1)
            let valueStart = i
            i = skipValue(json, i)
            guard i <= json.count, i > valueStart else { return nil }
            if matches { return valueStart..<i }
            i = skipSpace(json, i)
            guard i < json.count else { return nil }
            if json[i] == UInt8(ascii: ",") { i += 1; continue }
            return nil
        }
    }

    /// Appends the value's text: a string's unescaped contents, anything else as written.
    static func appendText(_ json: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, to out: inout [UInt8]) {
        guard json[r.lowerBound] == UInt8(ascii: "\""), r.count >= 2 else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: json[r]))
            return
        }
        var i = r.lowerBound + 1
        let end = r.upperBound - 1
        while i < end {
            let c = json[i]
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < end else { break }
            switch json[i] {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "u"):
                var v: UInt32 = 0
                var k = 0
                while k < 4, i + 1 < end, let d = hexValue(json[i + 1]) { v = v * 16 + UInt32(d); i += 1; k += 1 }
                if let scalar = Unicode.Scalar(v) { out.append(contentsOf: Array(String(Character(scalar)).utf8)) }
            default: out.append(json[i])
            }
            i += 1
        }
    }

    /// Appends `s` as a JSON string literal with quotes.
    static func appendQuoted(_ s: some StringProtocol, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, 110])
            case 13: out.append(contentsOf: [92, 114])
            case 9: out.append(contentsOf: [92, 116])
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }

    private static func rawEquals(_ json: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard r.count == key.count else { return false }
        for k in 0..<key.count where json[r.lowerBound + k] != key[k] { return false }
        return true
    }

    private static func skipSpace(_ j: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < j.count, j[i] == 32 || j[i] == 9 || j[i] == 10 || j[i] == 13 { i += 1 }
        return i
    }

    /// Position after the string starting at `start` (a quote).
    private static func skipString(_ j: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start + 1
        while i < j.count {
            if j[i] == UInt8(ascii: "\\") { i += 2; continue }
            if j[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        return j.count + 1
    }

    private static func skipValue(_ j: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        guard start < j.count else { return start }
        switch j[start] {
        case UInt8(ascii: "\""):
            return skipString(j, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < j.count {
                let c = j[i]
                if c == UInt8(ascii: "\"") { i = skipString(j, i); continue }
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return i + 1 }
                }
                i += 1
            }
            return j.count + 1
        default:
            var i = start
            while i < j.count, j[i] != UInt8(ascii: ","), j[i] != UInt8(ascii: "}"), j[i] != UInt8(ascii: "]"),
                  j[i] != 32, j[i] != 10, j[i] != 13, j[i] != 9 { i += 1 }
            return i
        }
    }

    /// Parses ASCII digits (optional sign) as an integer; a float is truncated; `nil` otherwise.
    static func parseInt(_ bytes: some Collection<UInt8>) -> Int64? {
        let s = String(decoding: bytes, as: UTF8.self).trimmingSpaces
        if let v = Int64(s) { return v }
        if let d = Double(s), d.isFinite, d.magnitude < 9.2e18 { return Int64(d) }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
