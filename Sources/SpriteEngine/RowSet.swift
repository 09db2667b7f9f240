/// The active rows of a chunk: positions into its (physical) column buffers, ascending.
///
/// Filters narrow a chunk's row set instead of copying columns; every kernel reads and writes only
/// active positions, so all columns of a chunk stay aligned with its physical buffers.
enum RowSet: Sendable {
    case range(Range<Int>)
    case selection([Int32])

    /// The number of active rows.
    var count: Int {
        switch self {
        case .range(let r): r.count
        case .selection(let s): s.count
        }
    }

    var isEmpty: Bool { count == 0 }

    /// The active positions as an array (for gathers).
    var positions: [Int32] {
        switch self {
        case .range(let r): r.map { Int32($0) }
        case .selection(let s): s
        }
    }

    /// Calls `body` with each active position in order.
    @inline(__always)
    func forEach<E: Error>(_ body: (Int) throws(E) -> Void) throws(E) {
        switch self {
        case .range(let r):
            for i in r { try body(i) }
        case .selection(let s):
            try s.withUnsafeBufferPointer { (sp) throws(E) in
                for i in sp { try body(Int(i)) }
            }
        }
    }

    /// Calls `body` with each (dense index, position) pair in order.
    @inline(__always)
    func forEachIndexed<E: Error>(_ body: (Int, Int) throws(E) -> Void) throws(E) {
        switch self {
        case .range(let r):
            let lo = r.lowerBound
            for i in r { try body(i - lo, i) }
        case .selection(let s):
            try s.withUnsafeBufferPointer { (sp) throws(E) in
                for k in 0..<sp.count { try body(k, Int(sp[k])) }
            }
        }
    }

    /// The active positions where `mask` (physical) is true.
    func filtered(by mask: UnsafeBufferPointer<Bool>) -> RowSet {
        switch self {
        case .range(let r):
            var n = 0
            for i in r where mask[i] { n += 1 }
            if n == r.count { return self }
            let out = [Int32](unsafeUninitializedCapacity: n) { buf, initialized in
                var k = 0
                for i in r where mask[i] { buf[k] = Int32(truncatingIfNeeded: i); k += 1 }
                initialized = n
            }
            return .selection(out)
        case .selection(let s):
            let out = [Int32](unsafeUninitializedCapacity: s.count) { buf, initialized in
                var k = 0
                s.withUnsafeBufferPointer { sp in
                    for i in sp {
                        buf[k] = i
                        k &+= mask[Int(i)] ? 1 : 0
                    }
                }
                initialized = k
            }
            return .selection(out)
        }
    }

    /// The first `n` active rows.
    func prefix(_ n: Int) -> RowSet {
        switch self {
        case .range(let r): .range(r.lowerBound..<(r.lowerBound + min(n, r.count)))
        case .selection(let s): .selection(Array(s.prefix(n)))
        }
    }
}
