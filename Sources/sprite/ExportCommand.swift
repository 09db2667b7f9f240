import ArgumentParser
import Foundation

/// `sprite export`: scheduled export scripts (OTLP), through the broker.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Manage scheduled export scripts that send rows to an OpenTelemetry (OTLP/HTTP) endpoint.",
        discussion: """
            Example:
              sprite export add --name http-spans --script scripts/pxl/export_http_spans.pxl --every 30s --endpoint http://collector:4318
              sprite export list
              sprite export history http-spans
            """,
        subcommands: [Add.self, List.self, History.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a schedule; the script is checked first (errors show line:column).")

        @Option(name: .long, help: "Unique name (letters, digits, '-', '_', '.').")
        var name: String
        @Option(name: .long, help: "The PxL script; it calls px.export and reads px.plugin.start_time/end_time.")
        var script: String
        @Option(name: .long, help: "Interval and window length, e.g. 30s, 1m.")
        var every: String
        @Option(name: .long, help: "OTLP/HTTP endpoint for exports whose script names none, e.g. http://collector:4318.")
        var endpoint: String?
        @Option(name: .long, parsing: .singleValue, help: "A request header as NAME=VALUE, e.g. an API key (repeatable).")
        var header: [String] = []
        @Option(name: .long, help: "protobuf (default) or json.")
        var encoding: String = "protobuf"
        @OptionGroup var connection: ClientOptions

        func run() async throws {
            guard let text = FileManager.default.contents(atPath: script) else { throw failure("sprite: cannot read script '\(script)'") }
            guard let ns = Durations.parse(every), ns > 0 else { throw ValidationError("--every '\(every)' is not a duration, e.g. 30s") }
            var headers: [String: String] = [:]
            for h in header {
                guard let eq = h.firstIndex(of: "=") else { throw ValidationError("--header '\(h)' must be NAME=VALUE") }
                headers[String(h[..<eq])] = String(h[h.index(after: eq)...])
            }
            var body: [String: Any] = ["name": name, "script": String(decoding: text, as: UTF8.self),
                                       "every_seconds": Double(ns) / 1e9, "headers": headers, "encoding": encoding]
            if let endpoint { body["endpoint"] = endpoint }
            let (status, data) = try await connection.client().send("POST", "api/v1/exports", body: try JSONSerialization.data(withJSONObject: body))
            guard status == 201 else {
                throw failure(APIClient.errorMessage(data).replacingOccurrences(of: "--> <script>:", with: "--> \(script):"))
            }
            FileHandle.standardError.write(Data("added export \(name): every \(every)\(endpoint.map { " to \($0)" } ?? "")\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List schedules with their last run.")
        @OptionGroup var connection: ClientOptions

        func run() async throws {
            let (status, data) = try await connection.client().send("GET", "api/v1/exports")
            guard status == 200 else { throw failure("sprite: \(APIClient.errorMessage(data))") }
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            let rows: [[JSONValue]] = (answer["exports"]?.array ?? []).map { e in
                [e["name"] ?? .null, e["every_seconds"] ?? .null, e["endpoint"] ?? .null, e["last_end"] ?? .null,
                 e["last_run"]?["status"] ?? .string("-"), e["last_run"]?["message"] ?? .string("")]
            }
            let text = ResultTableText(name: "exports", columns: [
                (name: "name", type: "STRING", semantic: ""), (name: "every_s", type: "FLOAT64", semantic: ""),
                (name: "endpoint", type: "STRING", semantic: ""), (name: "exported_until", type: "TIME64NS", semantic: ""),
                (name: "last_run", type: "STRING", semantic: ""), (name: "message", type: "STRING", semantic: ""),
            ], rows: rows)
            FileHandle.standardOutput.write(Data(text.aligned().utf8))
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a schedule's runs: window, status, items, bytes, attempts.")
        @Argument(help: "The schedule's name.") var name: String
        @OptionGroup var connection: ClientOptions

        func run() async throws {
            let (status, data) = try await connection.client().send("GET", "api/v1/exports/\(name)/history")
            guard status == 200 else { throw failure("sprite: \(APIClient.errorMessage(data))") }
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            let keys = ["window_start", "window_end", "status", "items", "bytes", "rejected", "attempts", "message"]
            let types = ["TIME64NS", "TIME64NS", "STRING", "INT64", "INT64", "INT64", "INT64", "STRING"]
            let rows = (answer["runs"]?.array ?? []).map { r in keys.map { r[$0] ?? .null } }
            let text = ResultTableText(name: "export \(name)", columns: zip(keys, types).map { (name: $0.0, type: $0.1, semantic: "") }, rows: rows)
            FileHandle.standardOutput.write(Data(text.aligned().utf8))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a schedule and its history.")
        @Argument(help: "The schedule's name.") var name: String
        @OptionGroup var connection: ClientOptions

        func run() async throws {
            let (status, data) = try await connection.client().send("DELETE", "api/v1/exports/\(name)")
            guard status == 200 else { throw failure("sprite: \(APIClient.errorMessage(data))") }
            FileHandle.standardError.write(Data("removed export \(name)\n".utf8))
        }
    }
}
