import Foundation

// sprite-bench: measurement harness behind the scripts in scripts/. Prints one JSON object.
//   sprite-bench store --csv FILE [--batch-rows N]
//   sprite-bench memory
let args = CommandLine.arguments.dropFirst()
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), args.index(after: i) < args.endIndex else { return nil }
    return args[args.index(after: i)]
}
do {
    switch args.first {
    case "store":
        guard let csv = option("--csv") else { throw BenchError("store needs --csv FILE") }
        let result = try StoreBenchmark(csvPath: csv, batchRows: Int(option("--batch-rows") ?? "") ?? 8_192).run()
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        FileHandle.standardOutput.write(json + Data("\n".utf8))
    case "memory":
        let result = try MemoryAccounting().run()
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        FileHandle.standardOutput.write(json + Data("\n".utf8))
    default:
        throw BenchError("usage: sprite-bench store --csv FILE [--batch-rows N] | memory (OTLP: sprite-otlp-bench)")
    }
} catch {
    FileHandle.standardError.write(Data("sprite-bench: \(error)\n".utf8))
    exit(1)
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
