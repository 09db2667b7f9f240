import ArgumentParser
import Foundation

/// `sprite run`: runs a PxL script on a node.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a PxL script on a node and print its result tables.",
        discussion: """
            Examples:
              sprite run -f http_stats.pxl
              sprite run -f stats.pxl --func service_stats --arg start_time=-5m --arg svc=frontend -o json
            """)

    @Option(name: .shortAndLong, help: "The PxL script to run ('-' reads standard input).")
    var file: String

    @Option(name: .long, help: "Run this function of the script (its result is the table named after it).")
    var `func`: String?

    @Option(name: .long, parsing: .singleValue, help: "An argument of --func as NAME=VALUE (repeatable).")
    var arg: [String] = []

    @Option(name: .shortAndLong, help: "Output format: table, json (one object per row), csv.")
    var output: OutputFormat = .table

    @Flag(name: .long, help: "Print compile and execution time and rows processed to standard error.")
    var stats = false

    @Flag(name: .long, help: "Fail instead of returning the other edges' results when an edge is missing.")
    var strict = false

    @Option(name: .long, help: "Deadline in seconds (default: the server's).")
    var timeout: Double?

    @OptionGroup var connection: ClientOptions

    func run() async throws {
        let script: String
        if file == "-" {
            script = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw failure("sprite: cannot read script '\(file)'")
            }
            script = String(decoding: data, as: UTF8.self)
        }
        var args: [String: String] = [:]
        for a in arg {
            guard let eq = a.firstIndex(of: "=") else { throw ValidationError("--arg '\(a)' must be NAME=VALUE") }
            args[String(a[..<eq])] = String(a[a.index(after: eq)...])
        }
        if !args.isEmpty && self.func == nil { throw ValidationError("--arg needs --func: arguments go to a function of the script") }
        var body: [String: Any] = ["script": script]
        if let f = self.func { body["func"] = f }
        if !args.isEmpty { body["args"] = args }
        if strict { body["strict"] = true }
        if let timeout { body["timeout"] = timeout }
        let client = try connection.client()
        let (status, data) = try await client.send("POST", "api/v1/query", body: try JSONSerialization.data(withJSONObject: body),
                                                   timeout: (timeout ?? 300) + 10)
        guard status == 200 else {
            var message = APIClient.errorMessage(data)
            if let answer = try? JSONDecoder().decode(JSONValue.self, from: data) {
                for agent in answer["agents"]?.array ?? [] where agent["status"]?.string != "ok" {
                    message += "\n  \(agent["name"]?.string ?? "?") (\(agent["url"]?.string ?? "?")): \(agent["status"]?.string ?? "?"), \(agent["message"]?.string ?? "")"
                }
            }
            if file != "-" { message = message.replacingOccurrences(of: "--> <script>:", with: "--> \(file):") }
            throw failure(message)
        }
        let answer = try JSONDecoder().decode(JSONValue.self, from: data)
        let tables = answer["tables"]?.array.map(ResultTableText.init) ?? []
        var out = ""
        switch output {
        case .table: out = tables.map { $0.aligned() }.joined(separator: "\n")
        case .json: out = tables.map { $0.jsonLines() }.joined()
        case .csv: out = tables.map { $0.csv(withName: tables.count > 1) }.joined(separator: "\n")
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        for agent in answer["agents"]?.array ?? [] where agent["status"]?.string != "ok" {
            FileHandle.standardError.write(Data("sprite: warning: results lack edge \(agent["name"]?.string ?? "?") (\(agent["url"]?.string ?? "?")): \(agent["status"]?.string ?? "?"), \(agent["message"]?.string ?? "")\n".utf8))
        }
        if stats, let s = answer["stats"] {
            let c = Double(s["compile_ns"]?.int ?? 0) / 1e6, e = Double(s["exec_ns"]?.int ?? 0) / 1e6
            var line = String(format: "compile %.2f ms, execute %.2f ms, %lld rows / %lld bytes processed",
                              c, e, s["rows_processed"]?.int ?? 0, s["bytes_processed"]?.int ?? 0)
            if let edgeBytes = s["bytes_from_edges"]?.int, let agents = answer["agents"]?.array {
                line += ", \(agents.count) edge\(agents.count == 1 ? "" : "s"), \(edgeBytes) bytes from edges"
            }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}
