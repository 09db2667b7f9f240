import Testing
import SpriteStore
@testable import SpriteEngine

@Suite struct GroupTableTests {
    @Test func pairIndexStaysConsistentAcrossDenseAndHashedModes() {
        var p = PairIndex()
        var expected: [UInt64: UInt32] = [:]
        var seed: UInt64 = 1
        for _ in 0..<60_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            // Early pairs are small (dense); later ones exceed the dense limit (hashed).
            let a = UInt32((seed >> 33) % (expected.count < 30_000 ? 50 : 5_000))
            let b = UInt32((seed >> 13) % (expected.count < 30_000 ? 20 : 3_000))
            let id = p.id(a, b)
            let key = UInt64(a) << 32 | UInt64(b)
            if let e = expected[key] { #expect(e == id) } else { #expect(Int(id) == expected.count); expected[key] = id }
            #expect(p.lookup(a, b) == id)
        }
        #expect(p.count == expected.count)
        #expect(p.lookup(999_999, 1) == nil)
    }

    @Test func threeKeysRoundTrip() {
        let t = GroupTable(keyTypes: [.int64, .string, .boolean])
        let ints = ColumnData.int64([1, 2, 1, 1, 2])
        let strs = ColumnData.string(StringArray(["a", "b", "a", "c", "b"]))
        let bools = ColumnData.boolean([true, false, true, true, true])
        let g = t.assign([ints, strs, bools], rows: .range(0..<5))
        #expect(g == [0, 1, 0, 2, 3])
        let keys = t.keyColumns()
        #expect((0..<4).map { keys[0].value(at: $0, as: .int64) } == [.int64(1), .int64(2), .int64(1), .int64(2)])
        #expect((0..<4).map { keys[1].value(at: $0, as: .string) } == [.string("a"), .string("b"), .string("c"), .string("b")])
        #expect((0..<4).map { keys[2].value(at: $0, as: .boolean) } == [.boolean(true), .boolean(false), .boolean(true), .boolean(true)])
        #expect(t.lookup([ints, strs, bools], rows: .selection([1, 3])) == [1, 2])
        #expect(t.lookup([.int64([9]), .string(StringArray(["a"])), .boolean([true])], rows: .range(0..<1)) == [.max])
    }
}
