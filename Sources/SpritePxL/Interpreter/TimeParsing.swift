#if canImport(Glibc)
import Glibc
#endif

/// Relative and absolute times and durations as PxL scripts write them.
enum TimeParsing {
    /// A duration such as `5m`, `-30s`, `1h30m`, `250ms`, `2d`, `100us`, `10ns`, in ns.
    static func duration(_ text: String) -> Int64? {
        var s = Substring(text.trimmingWhitespace())
        var sign: Int64 = 1
        if s.hasPrefix("-") { sign = -1; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        guard !s.isEmpty else { return nil }
        var total: Int64 = 0
        while !s.isEmpty {
            let digits = s.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            s = s.dropFirst(digits.count)
            let unitText = s.prefix { $0.isLetter }
            s = s.dropFirst(unitText.count)
            let unit: Double
            switch unitText {
            case "ns": unit = 1
            case "us", "µs": unit = 1e3
            case "ms": unit = 1e6
            case "s": unit = 1e9
            case "m": unit = 60e9
            case "h": unit = 3600e9
            case "d": unit = 86400e9
            default: return nil
            }
            total += Int64(value * unit)
        }
        return sign * total
    }

    /// A time: relative to `now` (`-5m`), RFC 3339 (`2026-01-01T00:00:00Z`, fractions and offsets
    /// allowed), `YYYY-MM-DD HH:MM:SS` (UTC), or `YYYY-MM-DD`.
    static func time(_ text: String, now: Int64) -> Int64? {
        let t = text.trimmingWhitespace()
        if t.hasPrefix("-") || t.hasPrefix("+") { return duration(t).map { now &+ $0 } }
        return absolute(t)
    }

    static func absolute(_ t: String) -> Int64? {
        let b = Array(t.utf8)
        func num(_ from: Int, _ n: Int) -> Int? {
            guard from + n <= b.count else { return nil }
            var v = 0
            for i in from..<(from + n) {
                let d = Int(b[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let y = num(0, 4), b.count >= 10, b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2) else { return nil }
        var h = 0, mi = 0, sec = 0, frac: Int64 = 0, offset = 0
        var i = 10
        if i < b.count {
            guard b[i] == 84 || b[i] == 116 || b[i] == 32, let hh = num(i + 1, 2), b.count > i + 3, b[i + 3] == 58, let mm = num(i + 4, 2) else { return nil }
            h = hh; mi = mm; i += 6
            if i < b.count && b[i] == 58 { guard let ss = num(i + 1, 2) else { return nil }; sec = ss; i += 3 }
            if i < b.count && b[i] == 46 {
                i += 1
                var digits = 0
                while i < b.count, b[i] >= 48 && b[i] <= 57 {
                    if digits < 9 { frac = frac * 10 + Int64(b[i] - 48); digits += 1 }
                    i += 1
                }
                while digits < 9 { frac *= 10; digits += 1 }
            }
            if i < b.count {
                if b[i] == 90 || b[i] == 122 { i += 1 }
                else if b[i] == 43 || b[i] == 45 {
                    let sign = b[i] == 43 ? 1 : -1
                    guard let oh = num(i + 1, 2) else { return nil }
                    var j = i + 3, om = 0
                    if j < b.count && b[j] == 58 { j += 1 }
                    if j < b.count { guard let m = num(j, 2) else { return nil }; om = m; j += 2 }
                    offset = sign * (oh * 60 + om) * 60
                    i = j
                }
            }
            guard i == b.count else { return nil }
        }
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
        let days = daysFromCivil(y, mo, d)
        let seconds = Int64(days) * 86400 + Int64(h * 3600 + mi * 60 + sec) - Int64(offset)
        return seconds * 1_000_000_000 + frac
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
