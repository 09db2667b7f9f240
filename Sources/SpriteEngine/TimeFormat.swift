/// Duration and timestamp text: `px.parse_duration`, `px.format_duration`, `px.parse_time` and
/// the relative times of `px.DataFrame(start_time='-5m')`.
public enum TimeFormat {
    static let units: [(String, Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("m", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
    ]

    /// Nanoseconds in a duration such as `-5m`, `1h30m`, `1.5s`, `250ms`, `2d`; `nil` if malformed.
    public static func parseDuration(_ text: some StringProtocol) -> Int64? {
        var s = Substring(text).drop { $0 == " " }
        while s.last == " " { s.removeLast() }
        var sign: Int64 = 1
        if s.first == "-" { sign = -1; s.removeFirst() } else if s.first == "+" { s.removeFirst() }
        guard !s.isEmpty else { return nil }
        var total: Double = 0
        while !s.isEmpty {
            let num = s.prefix { $0.isNumber || $0 == "." }
            guard !num.isEmpty, let value = Double(num) else { return nil }
            s = s.dropFirst(num.count)
            let unitText = s.prefix { !$0.isNumber && $0 != "." }
            guard let unit = units.first(where: { $0.0 == unitText }) else { return nil }
            s = s.dropFirst(unitText.count)
            total += value * Double(unit.1)
        }
        guard total.isFinite, total.magnitude < 9.2e18 else { return nil }
        return sign * Int64(total.rounded())
    }

    /// A duration as text with the largest fitting units: `1h2m3.5s`, `150ms`, `0s`.
    public static func formatDuration(_ ns: Int64) -> String {
        if ns == 0 { return "0s" }
        let negative = ns < 0
        let m = ns.magnitude
        var out = negative ? "-" : ""
        func frac(_ v: UInt64, _ unit: UInt64) -> String {
            let whole = v / unit, rest = v % unit
            guard rest > 0 else { return "\(whole)" }
            var digits = String(rest)
            let width = String(unit - 1).count
            digits = String(repeating: "0", count: width - digits.count) + digits
            while digits.last == "0" { digits.removeLast() }
            return "\(whole).\(digits)"
        }
        if m < 1_000 { return out + "\(m)ns" }
        if m < 1_000_000 { return out + frac(m, 1_000) + "us" }
        if m < 1_000_000_000 { return out + frac(m, 1_000_000) + "ms" }
        let h = m / 3_600_000_000_000, min = (m / 60_000_000_000) % 60, sec = m % 60_000_000_000
        if h > 0 { out += "\(h)h" }
        if h > 0 || min > 0 { out += "\(min)m" }
        out += frac(sec, 1_000_000_000) + "s"
        return out
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Nanoseconds since the epoch of an absolute time: RFC 3339 (`2026-01-01T00:00:00Z`,
    /// fractional seconds and `+hh:mm` offsets allowed), the same with a space instead of `T`,
    /// or a date alone (UTC midnight). `nil` if malformed.
    public static func parseTime(_ text: some StringProtocol) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + n) {
                guard b[k] >= 48 && b[k] <= 57 else { return nil }
                v = v * 10 + Int64(b[k] - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = number(4), expect(45), let mo = number(2), expect(45), let d = number(2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var seconds = daysFromCivil(y, mo, d) * 86_400
        var nanos: Int64 = 0
        if i == b.count { return seconds * 1_000_000_000 }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let h = number(2), expect(58), let mi = number(2) else { return nil }
        var s: Int64 = 0
        if expect(58) { guard let v = number(2) else { return nil }; s = v }
        if expect(46) {
            var scale: Int64 = 100_000_000
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                nanos += Int64(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        seconds += h * 3600 + mi * 60 + s
        if i < b.count {
            if b[i] == 90 || b[i] == 122 { i += 1 } else if b[i] == 43 || b[i] == 45 {
                let sign: Int64 = b[i] == 45 ? -1 : 1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = expect(58)
                let om = number(2) ?? 0
                seconds -= sign * (oh * 3600 + om * 60)
            } else { return nil }
        }
        guard i == b.count else { return nil }
        return seconds * 1_000_000_000 + nanos
    }
}
