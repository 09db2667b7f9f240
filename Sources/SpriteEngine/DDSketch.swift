#if canImport(Glibc)
import Glibc
#endif

/// A mergeable quantile sketch with relative accuracy ``relativeAccuracy`` (DDSketch-style).
///
/// Values map to logarithmic buckets: a positive `x` goes to bucket `ceil(log(x) / log(γ))` with
/// `γ = (1 + α) / (1 - α)`, α = 1%. Every value in a bucket is within α of the bucket's
/// representative `2γ^k / (γ + 1)`, so a returned quantile is within 1% (relative) of a value
/// whose rank is the requested one. Negative values use a mirrored store, values below
/// ``minIndexable`` in magnitude count as zero. Merging adds bucket counts: merging sketches of
/// parts gives exactly the sketch of the whole.
struct DDSketch: Equatable, Sendable {
    static let relativeAccuracy = 0.01
    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let inverseLogGamma = 1 / Glibc.log(gamma)
    static let minIndexable = 1e-9

    var count: UInt64 = 0
    var zeroCount: UInt64 = 0
    var min = Double.infinity
    var max = -Double.infinity
    var positive = Buckets()
    var negative = Buckets()

    /// Dense bucket counts from index `offset` on.
    struct Buckets: Equatable, Sendable {
        var offset: Int32 = 0
        var counts: [UInt64] = []

        mutating func add(_ index: Int32, _ n: UInt64 = 1) {
            if counts.isEmpty {
                offset = index
                counts = [n]
                return
            }
            if index < offset {
                let grow = Int(offset - index)
                counts.insert(contentsOf: repeatElement(0, count: grow), at: 0)
                offset = index
            } else if Int(index - offset) >= counts.count {
                counts.append(contentsOf: repeatElement(0, count: Int(index - offset) - counts.count + 1))
            }
            counts[Int(index - offset)] &+= n
        }

        mutating func merge(_ o: Buckets) {
            guard !o.counts.isEmpty else { return }
            if counts.isEmpty { self = o; return }
            add(o.offset, 0)
            add(o.offset + Int32(o.counts.count - 1), 0)
            for (k, n) in o.counts.enumerated() where n > 0 { counts[Int(o.offset - offset) + k] &+= n }
        }
    }

    @inline(__always)
    static func index(_ magnitude: Double) -> Int32 {
        Int32(Glibc.ceil(Glibc.log(magnitude) * inverseLogGamma))
    }

    @inline(__always)
    static func value(ofIndex k: Int32) -> Double {
        2 * Glibc.pow(gamma, Double(k)) / (gamma + 1)
    }

    mutating func add(_ x: Double) {
        count &+= 1
        if x < min { min = x }
        if x > max { max = x }
        if x > Self.minIndexable {
            positive.add(Self.index(x))
        } else if x < -Self.minIndexable {
            negative.add(Self.index(-x))
        } else {
            zeroCount &+= 1
        }
    }

    mutating func merge(_ o: DDSketch) {
        guard o.count > 0 else { return }
        count &+= o.count
        zeroCount &+= o.zeroCount
        min = Swift.min(min, o.min)
        max = Swift.max(max, o.max)
        positive.merge(o.positive)
        negative.merge(o.negative)
    }

    /// The value at quantile `q` (0...1), clamped to the exact min and max; 0 when empty.
    func quantile(_ q: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = q * Double(count - 1)
        var seen: Double = 0
        var result = max
        var found = false
        for k in stride(from: negative.counts.count - 1, through: 0, by: -1) where negative.counts[k] > 0 {
            seen += Double(negative.counts[k])
            if seen > rank { result = -Self.value(ofIndex: negative.offset + Int32(k)); found = true; break }
        }
        if !found && zeroCount > 0 {
            seen += Double(zeroCount)
            if seen > rank { result = 0; found = true }
        }
        if !found {
            for (k, n) in positive.counts.enumerated() where n > 0 {
                seen += Double(n)
                if seen > rank { result = Self.value(ofIndex: positive.offset + Int32(k)); break }
            }
        }
        return Swift.min(max, Swift.max(min, result))
    }

    func serialize(into w: inout ByteWriter) {
        w.write(count); w.write(zeroCount); w.write(min); w.write(max)
        for b in [positive, negative] {
            w.write(b.offset)
            w.write(UInt64(b.counts.count))
            for c in b.counts { w.write(c) }
        }
    }

    static func deserialize(_ r: inout ByteReader) throws(EngineError) -> DDSketch {
        var s = DDSketch()
        s.count = try r.readUInt64(); s.zeroCount = try r.readUInt64()
        s.min = try r.readDouble(); s.max = try r.readDouble()
        for side in 0..<2 {
            var b = Buckets()
            b.offset = try r.readInt32()
            let n = Int(try r.readUInt64())
            guard n >= 0, n <= (r.bytes.count - r.position) / 8 else { throw EngineError(.corruptState, "bad quantile sketch") }
            b.counts.reserveCapacity(n)
            for _ in 0..<n { b.counts.append(try r.readUInt64()) }
            if side == 0 { s.positive = b } else { s.negative = b }
        }
        return s
    }
}
