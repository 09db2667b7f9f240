/// Dense ids for pairs of ids `(a, b)`: the combined group of two key columns.
///
/// While `a` and `b` stay small the pairs live in a direct-addressed table (`a << shift | b`),
/// one array load per row; past ``denseLimit`` entries it falls back to hashing the packed pair.
struct PairIndex {
    static let denseLimit = 1 << 20

    private(set) var map = HashIDMap<UInt64>()
    private var dense: [UInt32] = []
    private var shift = 0
    private var denseEnabled = true

    var count: Int { map.count }
    var keys: [UInt64] { map.keys }

    @inline(__always)
    mutating func id(_ a: UInt32, _ b: UInt32) -> UInt32 {
        if denseEnabled {
            if b >> UInt32(shift) == 0 {
                let slot = Int(a) << shift | Int(b)
                if slot < dense.count {
                    let v = dense[slot]
                    if v != .max { return v }
                    let id = map.id(UInt64(a) << 32 | UInt64(b))
                    dense[slot] = id
                    return id
                }
            }
            if regrow(a, b) { return id(a, b) }
        }
        return map.id(UInt64(a) << 32 | UInt64(b))
    }

    @inline(__always)
    func lookup(_ a: UInt32, _ b: UInt32) -> UInt32? {
        map.lookup(UInt64(a) << 32 | UInt64(b))
    }

    /// Resizes the dense table to cover `(a, b)`; `false` (and dense mode off) past the limit.
    private mutating func regrow(_ a: UInt32, _ b: UInt32) -> Bool {
        var newShift = shift
        while b >> UInt32(newShift) != 0 { newShift += 1 }
        let rows = max(Int(a) + 1, dense.count >> shift) * 2
        guard rows << newShift <= Self.denseLimit else {
            denseEnabled = false
            dense = []
            return false
        }
        shift = newShift
        dense = [UInt32](repeating: .max, count: rows << newShift)
        for (id, key) in map.keys.enumerated() {
            dense[Int(key >> 32) << shift | Int(key & 0xffff_ffff)] = UInt32(id)
        }
        return true
    }
}
