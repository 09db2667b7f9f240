/// Orders the data events of one direction of a connection by stream position.
///
/// In-order events pass straight through; early ones wait (a bounded number) for the missing
/// bytes; when too many wait, or bytes can no longer arrive, the hole is reported as a gap.
struct StreamReassembler: Sendable {
    /// A run of the stream handed on: captured bytes, or a gap of known length.
    enum Piece: Sendable {
        case bytes([UInt8], timestamp: UInt64)
        case gap(Int, timestamp: UInt64)
    }

    private struct Pending: Sendable {
        var bytes: [UInt8]
        var length: Int
        var timestamp: UInt64
    }

    /// The next expected position; `nil` before the first event.
    private(set) var next: UInt64?
    private var pending: [UInt64: Pending] = [:]
    let maxPending: Int
    /// Bytes lost in holes (dropped events), cumulative.
    private(set) var gapBytes = 0

    init(maxPending: Int = 16) { self.maxPending = maxPending }

    /// Whether the event at `position` is the next one (or the first).
    func isNext(_ position: UInt64) -> Bool { next == nil || next == position }

    /// Records that an in-order event of `length` bytes was consumed directly.
    mutating func advance(from position: UInt64, length: Int) {
        next = position + UInt64(length)
    }

    /// Whether an event at `position` is entirely old (duplicate or behind).
    func isStale(_ position: UInt64) -> Bool {
        guard let next else { return false }
        return position < next
    }

    /// Holds an early event; returns pieces when the wait list overflows.
    mutating func hold(position: UInt64, bytes: [UInt8], length: Int, timestamp: UInt64) -> [Piece] {
        pending[position] = Pending(bytes: bytes, length: length, timestamp: timestamp)
        return pending.count > maxPending ? flush(force: true) : []
    }

    /// Pieces that are now in order; with `force`, holes before held events become gaps.
    mutating func flush(force: Bool) -> [Piece] {
        var out: [Piece] = []
        while let n = next {
            if let p = pending.removeValue(forKey: n) {
                append(p, into: &out)
                next = n + UInt64(p.length)
                continue
            }
            guard force, let earliest = pending.keys.min() else { break }
            let gap = Int(earliest - n)
            gapBytes += gap
            out.append(.gap(gap, timestamp: pending[earliest]!.timestamp))
            next = earliest
        }
        return out
    }

    private func append(_ p: Pending, into out: inout [Piece]) {
        if !p.bytes.isEmpty { out.append(.bytes(p.bytes, timestamp: p.timestamp)) }
        if p.length > p.bytes.count { out.append(.gap(p.length - p.bytes.count, timestamp: p.timestamp)) }
    }

    var hasPending: Bool { !pending.isEmpty }
}
