/// A fixed-width key that hashes well for open addressing.
protocol IDMapKey: Equatable {
    var mixedHash: UInt64 { get }
}

extension Int64: IDMapKey {
    @inline(__always) var mixedHash: UInt64 {
        var x = UInt64(bitPattern: self)
        x ^= x >> 33; x &*= 0xff51afd7ed558ccd; x ^= x >> 33; x &*= 0xc4ceb9fe1a85ec53; x ^= x >> 33
        return x
    }
}

extension UInt64: IDMapKey {
    @inline(__always) var mixedHash: UInt64 { Int64(bitPattern: self).mixedHash }
}

extension UInt128: IDMapKey {
    @inline(__always) var mixedHash: UInt64 {
        Int64(bitPattern: UInt64(truncatingIfNeeded: self) ^ (UInt64(truncatingIfNeeded: self >> 64) &* 0x9e3779b97f4a7c15)).mixedHash
    }
}

/// Dense ids `0, 1, 2, ...` for distinct keys, in order of first appearance (open addressing,
/// linear probing). `keys[id]` is the key of an id.
struct HashIDMap<K: IDMapKey> {
    private(set) var keys: [K] = []
    private var slots: [UInt32]
    private var mask: Int

    init(capacity: Int = 64) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [UInt32](repeating: 0, count: n)
        mask = n - 1
    }

    var count: Int { keys.count }

    /// The id of `key`, adding it if new.
    @inline(__always)
    mutating func id(_ key: K) -> UInt32 {
        var p = Int(truncatingIfNeeded: key.mixedHash) & mask
        while true {
            let s = slots[p]
            if s == 0 { break }
            if keys[Int(s - 1)] == key { return s - 1 }
            p = (p + 1) & mask
        }
        let id = UInt32(keys.count)
        keys.append(key)
        slots[p] = id + 1
        if keys.count * 2 > slots.count { rehash() }
        return id
    }

    /// The id of `key`, or `nil`.
    @inline(__always)
    func lookup(_ key: K) -> UInt32? {
        var p = Int(truncatingIfNeeded: key.mixedHash) & mask
        while true {
            let s = slots[p]
            if s == 0 { return nil }
            if keys[Int(s - 1)] == key { return s - 1 }
            p = (p + 1) & mask
        }
    }

    private mutating func rehash() {
        let n = slots.count * 2
        slots = [UInt32](repeating: 0, count: n)
        mask = n - 1
        for (i, k) in keys.enumerated() {
            var p = Int(truncatingIfNeeded: k.mixedHash) & mask
            while slots[p] != 0 { p = (p + 1) & mask }
            slots[p] = UInt32(i + 1)
        }
    }
}
