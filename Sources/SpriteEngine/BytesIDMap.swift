#if canImport(Glibc)
import Glibc
#endif
import SpriteStore

/// Dense ids for distinct byte strings, hashing raw UTF-8 without creating Strings; the distinct
/// strings are kept in id order in ``keys``.
struct BytesIDMap {
    private(set) var keys = StringArray()
    private var hashes: [UInt64] = []
    private var slots: [UInt32]
    private var mask: Int

    init(capacity: Int = 64) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [UInt32](repeating: 0, count: n)
        mask = n - 1
    }

    var count: Int { keys.count }

    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325 ^ UInt64(b.count)
        var i = 0
        let n = b.count
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                h = (h ^ w) &* 0x100000001b3
                h ^= h >> 29
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { tail |= UInt64(base[i]) << shift; shift += 8; i += 1 }
            h = (h ^ tail) &* 0x100000001b3
        }
        return Int64(bitPattern: h).mixedHash
    }

    @inline(__always)
    private func equals(_ id: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let lo = Int(keys.offsets[id]), hi = Int(keys.offsets[id + 1])
        guard hi - lo == b.count else { return false }
        if b.isEmpty { return true }
        return keys.bytes.withUnsafeBufferPointer { kb in memcmp(kb.baseAddress! + lo, b.baseAddress!, b.count) == 0 }
    }

    /// The id of the string `b`, adding it if new.
    mutating func id(_ b: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let h = Self.hash(b)
        var p = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[p]
            if s == 0 { break }
            if hashes[Int(s - 1)] == h && equals(Int(s - 1), b) { return s - 1 }
            p = (p + 1) & mask
        }
        let id = UInt32(keys.count)
        keys.append(utf8: b)
        hashes.append(h)
        slots[p] = id + 1
        if keys.count * 2 > slots.count { rehash() }
        return id
    }

    /// The id of the string `b`, or `nil`.
    func lookup(_ b: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let h = Self.hash(b)
        var p = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[p]
            if s == 0 { return nil }
            if hashes[Int(s - 1)] == h && equals(Int(s - 1), b) { return s - 1 }
            p = (p + 1) & mask
        }
    }

    private mutating func rehash() {
        let n = slots.count * 2
        slots = [UInt32](repeating: 0, count: n)
        mask = n - 1
        for (i, h) in hashes.enumerated() {
            var p = Int(truncatingIfNeeded: h) & mask
            while slots[p] != 0 { p = (p + 1) & mask }
            slots[p] = UInt32(i + 1)
        }
    }
}
