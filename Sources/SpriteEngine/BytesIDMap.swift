#if canImport(Glibc)
import Glibc
#endif
import SpriteStore

/// Dense ids for distinct byte strings, hashing raw UTF-8 without creating Strings; the distinct
/// strings are kept in id order in ``keys``.
///
/// Slots hold a 32-bit hash tag and the id, so most probes compare one word before touching the
/// key bytes.
struct BytesIDMap {
    private(set) var keys = StringArray()
    private var hashes: [UInt64] = []
    private var slots: [UInt64]
    private var mask: Int

    init(capacity: Int = 64) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [UInt64](repeating: 0, count: n)
        mask = n - 1
    }

    var count: Int { keys.count }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var h = x &* 0x9e3779b97f4a7c15
        h ^= h >> 32
        h &*= 0xd6e8feb86659fd93
        h ^= h >> 32
        return h
    }

    /// A hash of the bytes using word loads (overlapping at the ends).
    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = b.count
        guard let base = b.baseAddress, n > 0 else { return mix(0x51ed27) }
        let raw = UnsafeRawPointer(base)
        if n >= 8 {
            var h = UInt64(n) &* 0x9e3779b97f4a7c15
            var i = 0
            while i + 8 < n {
                h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            return mix(h ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        }
        if n >= 4 {
            let v = UInt64(raw.loadUnaligned(as: UInt32.self)) | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            return mix(v ^ UInt64(n) << 59)
        }
        let v = UInt64(base[0]) | UInt64(base[n >> 1]) << 8 | UInt64(base[n - 1]) << 16 | UInt64(n) << 24
        return mix(v)
    }

    @inline(__always)
    private func equals(_ id: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        keys.offsets.withUnsafeBufferPointer { offs in
            let lo = Int(offs[id]), hi = Int(offs[id + 1])
            guard hi - lo == b.count else { return false }
            if b.isEmpty { return true }
            return keys.bytes.withUnsafeBufferPointer { kb in Self.bytesEqual(UnsafeRawPointer(kb.baseAddress! + lo), UnsafeRawPointer(b.baseAddress!), b.count) }
        }
    }

    /// Whether `n` bytes at `x` and `y` are equal, comparing words (overlapping at the end).
    @inline(__always)
    static func bytesEqual(_ x: UnsafeRawPointer, _ y: UnsafeRawPointer, _ n: Int) -> Bool {
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            return x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        for i in 0..<n where x.load(fromByteOffset: i, as: UInt8.self) != y.load(fromByteOffset: i, as: UInt8.self) { return false }
        return true
    }

    @inline(__always)
    private static func tag(_ h: UInt64) -> UInt64 { (h >> 32 | 1) << 32 }

    /// The id of the string `b`, adding it if new.
    @inline(__always)
    mutating func id(_ b: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let h = Self.hash(b)
        let t = Self.tag(h)
        var p = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[p]
            if s == 0 { break }
            if s & 0xffff_ffff_0000_0000 == t {
                let id = Int(truncatingIfNeeded: s & 0xffff_ffff) - 1
                if equals(id, b) { return UInt32(id) }
            }
            p = (p + 1) & mask
        }
        let id = UInt32(keys.count)
        keys.append(utf8: b)
        hashes.append(h)
        slots[p] = t | UInt64(id + 1)
        if keys.count * 2 > slots.count { rehash() }
        return id
    }

    /// The id of the string `b`, or `nil`.
    func lookup(_ b: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let h = Self.hash(b)
        let t = Self.tag(h)
        var p = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[p]
            if s == 0 { return nil }
            if s & 0xffff_ffff_0000_0000 == t {
                let id = Int(truncatingIfNeeded: s & 0xffff_ffff) - 1
                if equals(id, b) { return UInt32(id) }
            }
            p = (p + 1) & mask
        }
    }

    private mutating func rehash() {
        let n = slots.count * 2
        slots = [UInt64](repeating: 0, count: n)
        mask = n - 1
        for (i, h) in hashes.enumerated() {
            var p = Int(truncatingIfNeeded: h) & mask
            while slots[p] != 0 { p = (p + 1) & mask }
            slots[p] = Self.tag(h) | UInt64(i + 1)
        }
    }
}
