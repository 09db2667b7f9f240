import Foundation
@testable import SpriteCollector

/// A seeded random-mutation fuzzer for protocol sessions: it mutates valid conversations (bit
/// flips, byte changes, insertions, deletions, duplicated and swapped ranges, truncation), cuts
/// each side into random pieces, sometimes reports pieces as lost bytes, interleaves the two sides
/// and checks that the session never traps and keeps its invariants.
///
/// Iterations: `SPRITE_FUZZ_ITERATIONS` (default `defaultIterations`); seed: `SPRITE_FUZZ_SEED`.
struct ProtocolFuzzer {
    /// One conversation: the bytes of each side in order.
    struct Conversation {
        var requests: [UInt8]
        var responses: [UInt8]
    }

    static var iterations: Int {
        ProcessInfo.processInfo.environment["SPRITE_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3000
    }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["SPRITE_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_5EED
    }

    var rng: SplitMix64

    init(seed: UInt64 = ProtocolFuzzer.seed) { rng = SplitMix64(seed: seed) }

    /// Runs `iterations` mutated conversations through fresh sessions; returns how many ran and
    /// the records they produced.
    mutating func run(corpus: [Conversation], iterations: Int = ProtocolFuzzer.iterations,
                      makeSession: () -> any ProtocolSession) -> (inputs: Int, records: Int) {
        var records = 0
        for _ in 0..<iterations {
            let base = corpus[rng.next(corpus.count)]
            var conv = base
            let mutations = rng.next(4)
            for _ in 0..<mutations {
                if rng.next(2) == 0 { mutate(&conv.requests, other: corpus[rng.next(corpus.count)].requests) }
                else { mutate(&conv.responses, other: corpus[rng.next(corpus.count)].responses) }
            }
            let session = makeSession()
            var req = pieces(conv.requests), resp = pieces(conv.responses)
            var time: UInt64 = 1
            while !req.isEmpty || !resp.isEmpty {
                let takeRequest = resp.isEmpty || (!req.isEmpty && rng.next(2) == 0)
                let (side, piece): (MessageSide, Piece) = takeRequest ? (.request, req.removeFirst()) : (.response, resp.removeFirst())
                time += UInt64(rng.next(1000))
                switch piece {
                case .bytes(let b): records += session.consume(b, side: side, time: time).count
                case .gap(let n): records += session.skip(n, side: side, time: time).count
                }
            }
            records += session.finish(time: time + 1).count
            precondition(session.errors >= 0 && session.unmatched >= 0)
        }
        return (iterations, records)
    }

    enum Piece { case bytes([UInt8]), gap(Int) }

    private mutating func pieces(_ b: [UInt8]) -> [Piece] {
        var out: [Piece] = []
        var i = 0
        while i < b.count {
            let n = min(b.count - i, 1 + rng.next(rng.next(4) == 0 ? 8 : 200))
            if rng.next(40) == 0 { out.append(.gap(n)) } else { out.append(.bytes(Array(b[i..<(i + n)]))) }
            i += n
        }
        return out
    }

    private mutating func mutate(_ b: inout [UInt8], other: [UInt8]) {
        if b.isEmpty { b = [UInt8(rng.next(256))]; return }
        let i = rng.next(b.count)
        switch rng.next(9) {
        case 0: b[i] ^= UInt8(1 << rng.next(8))
        case 1: b[i] = UInt8(rng.next(256))
        case 2: b[i] = [0, 0xFF, 0x7F, 0x80, 13, 10, 36, 42, 45][rng.next(9)]
        case 3: b.insert(UInt8(rng.next(256)), at: i)
        case 4: b.removeSubrange(i..<min(b.count, i + 1 + rng.next(16)))
        case 5:
            let n = min(b.count - i, 1 + rng.next(32))
            b.insert(contentsOf: Array(b[i..<(i + n)]), at: rng.next(b.count))
        case 6: b.removeSubrange(i...)
        case 7:
            if !other.isEmpty {
                let j = rng.next(other.count)
                b.insert(contentsOf: other[j..<min(other.count, j + 1 + rng.next(64))], at: i)
            }
        default:
            // Overwrite with a large or negative length-looking number.
            let digits = Array(String([-1, -2, 0, 65535, 1 << 30, Int(Int32.max)][rng.next(6)]).utf8)
            for (k, d) in digits.enumerated() where i + k < b.count { b[i + k] = d }
        }
    }
}

/// A small, fast, seedable generator (SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in 0..<n (n > 0).
    mutating func next(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
}
