import Foundation

// sprite-otlp-bench: the OTLP export measurement behind scripts/bench_otlp.py. Prints one JSON
// object. A program of its own (not a sprite-bench command) because it links the cluster module
// (NIO, the HTTP server and client), which would disturb sprite-bench's malloc accounting.
//   sprite-otlp-bench --receiver URL --script FILE [--rows N]
let args = CommandLine.arguments.dropFirst()
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), args.index(after: i) < args.endIndex else { return nil }
    return args[args.index(after: i)]
}
do {
    guard let receiver = option("--receiver"), let script = option("--script") else {
        throw BenchError("usage: sprite-otlp-bench --receiver URL --script FILE [--rows N]")
    }
    let result = try await OTLPBenchmark(rows: Int(option("--rows") ?? "") ?? 200_000, receiver: receiver, scriptPath: script).run()
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    FileHandle.standardOutput.write(json + Data("\n".utf8))
} catch {
    FileHandle.standardError.write(Data("sprite-otlp-bench: \(error)\n".utf8))
    exit(1)
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
