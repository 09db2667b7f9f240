import Foundation
import Testing

@Suite("Memory accounting")
struct MemoryAccountingTests {
    /// The bytes a table reports match what malloc holds for it, hot and after compaction, within
    /// 10%, and dropping the table releases them. Measured by `sprite-bench memory` in a process of
    /// its own, so that tests running in parallel here do not disturb malloc's counters.
    @Test func reportedBytesMatchAllocations() throws {
        let bench = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sprite-bench")
        let p = Process()
        p.executableURL = bench
        p.arguments = ["memory"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let m = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Double])
        let hot = m["hot_malloc"]!, hotReported = m["hot_reported"]!
        let cold = m["cold_malloc"]!, coldReported = m["cold_reported"]!
        #expect(hotReported > 20_000_000)
        #expect(abs(hot - hotReported) / hotReported < 0.10, "hot: malloc \(hot) vs reported \(hotReported)")
        #expect(coldReported < hotReported / 3)
        #expect(abs(cold - coldReported) / coldReported < 0.10, "cold: malloc \(cold) vs reported \(coldReported)")
        #expect(m["after_release"]! < hotReported / 20, "after release: \(m["after_release"]!)")
    }
}
