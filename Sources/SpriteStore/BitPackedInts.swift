/// Integers stored as fixed-width offsets from a base ("frame of reference"), packed into 64-bit
/// words. A column whose values span a range of `r` needs `ceil(log2(r + 1))` bits per value.
public struct BitPackedInts: Sendable, Hashable {
    /// The smallest value; every stored value is `base + offset`.
    public let base: Int64
    /// Bits per value, 0...64 (0: every value equals `base`).
    public let width: Int
    /// The number of values.
    public let count: Int
    @usableFromInline let words: [UInt64]

    /// Packs `values`.
    public init(_ values: UnsafeBufferPointer<Int64>) {
        count = values.count
        guard let first = values.first else {
            base = 0; width = 0; words = []
            return
        }
        var lo = first, hi = first
        for v in values { if v < lo { lo = v }; if v > hi { hi = v } }
        base = lo
        let range = UInt64(bitPattern: hi &- lo)
        width = range == 0 ? 0 : 64 - range.leadingZeroBitCount
        let w = width
        guard w > 0 else { words = []; return }
        let totalBits = count * w
        var out = [UInt64](repeating: 0, count: (totalBits + 63) / 64)
        out.withUnsafeMutableBufferPointer { dst in
            var bit = 0
            for v in values {
                let u = UInt64(bitPattern: v &- lo)
                let word = bit >> 6, shift = bit & 63
                dst[word] |= u << UInt64(shift)
                if shift + w > 64 { dst[word + 1] |= u >> UInt64(64 - shift) }
                bit += w
            }
        }
        words = out
    }

    /// Packs an array of values.
    public init(_ values: [Int64]) {
        self = values.withUnsafeBufferPointer { BitPackedInts($0) }
    }

    /// Writes the values into `dst`, which must have room for ``count`` values.
    @inlinable public func unpack(into dst: UnsafeMutableBufferPointer<Int64>) {
        let w = width
        if w == 0 {
            for i in 0..<count { dst[i] = base }
            return
        }
        let mask: UInt64 = w == 64 ? ~0 : (1 << UInt64(w)) &- 1
        words.withUnsafeBufferPointer { src in
            var bit = 0
            for i in 0..<count {
                let word = bit >> 6, shift = bit & 63
                var u = src[word] >> UInt64(shift)
                if shift + w > 64 { u |= src[word + 1] << UInt64(64 - shift) }
                dst[i] = base &+ Int64(bitPattern: u & mask)
                bit += w
            }
        }
    }

    /// The values as an array.
    @inlinable public func unpacked() -> [Int64] {
        [Int64](unsafeUninitializedCapacity: count) { buf, initialized in
            unpack(into: buf)
            initialized = count
        }
    }

    /// The value at `index`.
    @inlinable public subscript(index: Int) -> Int64 {
        let w = width
        if w == 0 { return base }
        let mask: UInt64 = w == 64 ? ~0 : (1 << UInt64(w)) &- 1
        let bit = index * w
        let word = bit >> 6, shift = bit & 63
        var u = words[word] >> UInt64(shift)
        if shift + w > 64 { u |= words[word + 1] << UInt64(64 - shift) }
        return base &+ Int64(bitPattern: u & mask)
    }

    /// Bytes held.
    public var allocatedBytes: Int { words.capacity * 8 + MemoryLayout<BitPackedInts>.size }
}
