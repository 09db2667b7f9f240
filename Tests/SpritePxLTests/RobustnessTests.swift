import Testing

@testable import SpritePxL

@Suite("Robustness")
struct RobustnessTests {
    static let alphabet: [UInt8] = Array("()[]{}'\"\\#:=.,+-*/%<>!@&|^~ \t\n\r_0123456789aexXjrbf".utf8)
        + [0x00, 0xC3, 0xA9, 0xE6, 0x97, 0xA5, 0xFF]

    /// Mutates the benchmark scripts with random byte insertions, deletions and replacements
    /// (fixed seed) and checks that parsing either succeeds or throws a located `PxLError`.
    @Test func randomMutationsNeverCrash() {
        var generator = SplitMix64(seed: 0x5EED_F00D)
        let seeds = (BenchmarkScripts.all + [ScriptTests.httpStats]).map { Array($0.utf8) }
        var failures = 0
        var successes = 0
        for iteration in 0..<24_000 {
            var bytes = seeds[iteration % seeds.count]
            let edits = Int.random(in: 1...4, using: &generator)
            for _ in 0..<edits {
                let position = Int.random(in: 0...bytes.count, using: &generator)
                let byte = Bool.random(using: &generator)
                    ? Self.alphabet.randomElement(using: &generator) ?? 0
                    : UInt8.random(in: 0...255, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0:
                    bytes.insert(byte, at: position)
                case 1 where position < bytes.count:
                    bytes.remove(at: position)
                default:
                    if position < bytes.count {
                        bytes[position] = byte
                    }
                }
            }
            let source = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try PxLParser.parse(source)
                successes += 1
            } catch {
                failures += 1
                if error.line < 1 || error.column < 1 || error.message.isEmpty || error.sourceLine == nil {
                    Issue.record("badly located error \(error) for:\n\(source)")
                    return
                }
            }
        }
        #expect(successes > 0)
        #expect(failures > 0)
    }

    /// Truncating a script at every byte must never crash.
    @Test func everyPrefixParsesOrFails() {
        let bytes = Array(ScriptTests.httpStats.utf8)
        for length in 0...bytes.count {
            let source = String(decoding: bytes[0..<length], as: UTF8.self)
            do {
                _ = try PxLParser.parse(source)
            } catch {
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
    }
}
