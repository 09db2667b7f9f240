/// A unique process id as Pixie defines it: 128 bits holding the agent short id (ASID), the pid and
/// the process start time in clock ticks, so that pids reused over time never collide.
///
/// Layout: bits 127–96 ASID, bits 95–64 pid, bits 63–0 start time (ticks since boot).
/// Its text form is the UUID-style hex Pixie prints, e.g. `00000001-0000-04d2-0000-0000000f4240`.
public struct UPID: Sendable, Hashable, CustomStringConvertible {
    /// The agent short id of the node that saw the process.
    public var asid: UInt32
    /// The process id.
    public var pid: UInt32
    /// The process start time, in clock ticks since boot (field 22 of `/proc/<pid>/stat`).
    public var startTimeTicks: UInt64

    public init(asid: UInt32, pid: UInt32, startTimeTicks: UInt64) {
        self.asid = asid
        self.pid = pid
        self.startTimeTicks = startTimeTicks
    }

    /// Splits a packed 128-bit value.
    public init(_ value: UInt128) {
        let high = UInt64(truncatingIfNeeded: value >> 64)
        asid = UInt32(truncatingIfNeeded: high >> 32)
        pid = UInt32(truncatingIfNeeded: high)
        startTimeTicks = UInt64(truncatingIfNeeded: value)
    }

    /// The packed 128-bit value stored in `upid` columns.
    public var value: UInt128 {
        (UInt128(asid) << 96) | (UInt128(pid) << 64) | UInt128(startTimeTicks)
    }

    public var description: String { UPID.format(value) }

    /// Formats a 128-bit value as UUID-style text (8-4-4-4-12 lower-case hex digits).
    public static func format(_ value: UInt128) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var v = value
        var pos = 35
        for _ in 0..<32 {
            if pos == 8 || pos == 13 || pos == 18 || pos == 23 { pos -= 1 }
            out[pos] = hex[Int(v & 0xF)]
            v >>= 4
            pos -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses UUID-style text (dashes optional, 32 hex digits); `nil` if it is not one.
    public static func parse(_ text: some StringProtocol) -> UInt128? {
        var value: UInt128 = 0
        var digits = 0
        for c in text.utf8 {
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            case UInt8(ascii: "-"): continue
            default: return nil
            }
            digits += 1
            if digits > 32 { return nil }
            value = (value << 4) | UInt128(d)
        }
        return digits == 32 ? value : nil
    }
}
